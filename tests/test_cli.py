"""The `evidence` command line, run as a user or a cron job would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from evidence.cli import app

pytestmark = pytest.mark.both_backends  # store tests: run on SQLite and PostgreSQL


@pytest.fixture
def env(settings, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", settings.db)
    monkeypatch.setenv("EVIDENCE_DATA_DIR", settings.data_dir)
    monkeypatch.chdir(settings.data_dir)  # no stray evidence.toml picked up
    return settings


def test_init_then_info(env):
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert '"reports": 4' in result.output
    again = runner.invoke(app, ["init"])
    assert again.exit_code == 0 and "already up to date" in again.output
    info = runner.invoke(app, ["info", "--json"])
    payload = json.loads(info.stdout)
    assert payload["counts"]["outcome"] == 9
    assert payload["schema_version"] == payload["schema_head"]
    assert payload["last_harvests"] == []
    text = runner.invoke(app, ["info"])
    assert "no harvest has run yet" in text.stdout


def test_info_without_schema_exits_2(env):
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 2
    assert "evidence init" in result.output


def test_bad_curated_data_exits_2_and_names_the_row(env):
    outcomes = os.path.join(env.data_dir, "outcomes.csv")
    with open(outcomes, encoding="utf-8") as fh:
        text = fh.read()
    with open(outcomes, "w", encoding="utf-8") as fh:
        fh.write(text.replace("beta-2023,crs_any,all,,12,12", "beta-2023,crs_any,all,,13,12"))
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 2
    assert "outcomes.csv:8" in result.output and "larger than patients" in result.output


def test_export_data_round_trip(env, tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    out = tmp_path / "out"
    result = runner.invoke(app, ["export-data", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["outcomes.csv"] == 9
    for name in ("cohorts.csv", "reports.csv", "outcomes.csv", "trials.csv", "publications.csv"):
        assert (out / name).read_bytes() == (tmp_path / "data" / name).read_bytes()


def test_every_command_has_help():
    runner = CliRunner()
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


def test_console_script_runs_as_a_process(env):
    """The installed entry point works outside the test runner (as cron calls it)."""
    exe = os.path.join(os.path.dirname(sys.executable), "evidence")
    proc = subprocess.run([exe, "--quiet", "init"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "schema" in proc.stdout
