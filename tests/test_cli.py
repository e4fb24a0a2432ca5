"""The `evidence` command line, run as a user or a cron job would run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from evidence.cli import app
from evidence.commands.support import ExitCode, parse_date, parse_moment
from evidence.commands import COMMAND_MODULES

README = Path(__file__).resolve().parent.parent / "README.md"

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


def _leaves(group, path: tuple[str, ...] = ()):
    """(command path, Click command) of every runnable command, groups walked."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _leaves(command, (*path, name))
        else:
            yield (*path, name), command


def _options(command) -> set[str]:
    return {opt for p in command.params if p.param_type_name == "option" for opt in p.opts
            if opt.startswith("--") and opt != "--help"}


def _flat(text: str) -> str:
    """Rendered help without line wrapping (Click may wrap after a hyphen) or Rich's box characters."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", re.sub(r"-\n\s*", "-", text)).split())


COMMANDS = dict(_leaves(typer.main.get_command(app)))


def test_every_command_is_registered_once_from_the_table():
    assert len(COMMANDS) == 25  # 22 + users add, set-role, list
    assert {" ".join(path) for path in COMMANDS} >= {
        "init", "info", "export-data", "pool", "export", "update", "whats-new",
        "harvest pubmed", "harvest ctgov", "import pubmed", "import ctgov"}
    assert len(COMMAND_MODULES) == len(set(COMMAND_MODULES))


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "evidence")
def test_help_prints_every_option_help_verbatim(path):
    """No help text is read as markup (``[evidence]`` was printed as "(table )")."""
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    command = COMMANDS.get(path) or typer.main.get_command(app)
    shown = _flat(result.output)
    for param in command.params:
        if getattr(param, "help", None):
            assert _flat(param.help) in shown, (path, param.name)
    if path == ():
        assert "(table [evidence])" in shown


def _readme_commands() -> dict[tuple[str, ...], set[str]]:
    """Command path -> options named in the README's command table (a command may have several rows)."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `evidence ([^`]*)` \|", line)
        if match:
            words = match.group(1).split()
            path = tuple(w for w in words[:2] if re.fullmatch(r"[a-z][a-z-]*", w))
            rows.setdefault(path, set()).update(re.findall(r"--[a-z][a-z0-9-]*", match.group(1)))
    return rows


def test_readme_command_table_matches_every_commands_options():
    readme = _readme_commands()
    assert set(readme) == set(COMMANDS), "README command table and registered commands differ"
    for path, command in COMMANDS.items():
        assert readme[path] == _options(command), f"README row of `evidence {' '.join(path)}`"
    text = README.read_text(encoding="utf-8")
    global_line = next(line for line in text.splitlines() if line.startswith("Global options:"))
    root = typer.main.get_command(app)
    assert set(re.findall(r"--[a-z][a-z0-9-]*", global_line)) == _options(root)


def test_batch_size_help_names_the_harvesters_default():
    from harvest.pubmed import DEFAULT_BATCH

    help_text = COMMANDS[("harvest", "pubmed")].params
    assert any(f"(default {DEFAULT_BATCH})" in (p.help or "") for p in help_text)


def test_one_table_of_exit_codes():
    from harvest import update

    assert [int(c) for c in ExitCode] == [0, 1, 2, 75]
    assert (update.EXIT_OK, update.EXIT_SOURCE_FAILED, update.EXIT_USAGE, update.EXIT_LOCKED) == tuple(ExitCode)


@pytest.mark.parametrize("text,day", [("2025-01-31", (2025, 1, 31)), ("2025/01/31", (2025, 1, 31)),
                                      (" 2024-02-29 ", (2024, 2, 29))])
def test_one_date_parser(text, day):
    assert parse_date(text, "--since").timetuple()[:3] == day
    assert parse_moment(text, "--since").isoformat() == "%04d-%02d-%02dT00:00:00+00:00" % day


@pytest.mark.parametrize("text", ["yesterday", "2025-02-30", "20250131", "2025-1-5", "2025-W05-1"])
def test_date_parser_refuses_what_is_not_a_day(text, capsys):
    with pytest.raises(typer.Exit) as exc:
        parse_date(text, "--until")
    assert exc.value.exit_code == 2
    assert f"--until must be a date as YYYY-MM-DD, not {text!r}" in capsys.readouterr().err


def test_timestamps_keep_their_zone():
    assert parse_moment("2025-01-31T12:30:00+01:00").isoformat() == "2025-01-31T12:30:00+01:00"
    assert parse_moment("2025-01-31T12:30").isoformat() == "2025-01-31T12:30:00+00:00"


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return set(out.split())


HEAVY = {"sqlalchemy", "sqlmodel", "alembic", "requests", "Bio", "pandas", "scipy", "numpy", "streamlit"}


def test_start_up_imports_no_heavy_library():
    """`evidence --help` builds every command without loading the store, HTTP or statistics libraries."""
    loaded = _modules_after("import typer.main\nfrom evidence.cli import app\ntyper.main.get_command(app)")
    assert not HEAVY & loaded


def test_plain_pooling_imports_neither_pandas_nor_slow_scipy(tmp_path):
    csv_path = tmp_path / "small.csv"
    csv_path.write_text("study,events,total\nA,4,10\nB,6,12\nC,3,8\n")
    loaded = _modules_after(
        "from pathlib import Path\nfrom evidence.commands import pool\n"
        f"r = pool._pool(pool.read_counts(Path({str(csv_path)!r})), None, model='glmm', transform='logit', "
        "tau2_method='REML', ci='z', level=0.95)\nr.to_dict(); pool.format_result(r)")
    assert "numpy" in loaded
    assert not {"pandas", "scipy.optimize", "scipy.stats", "sqlalchemy", "requests"} & loaded


def test_outside_plugins_add_commands_through_entry_points(monkeypatch, caplog):
    import importlib.metadata

    from evidence.commands import PLUGIN_GROUP, register_plugins

    def good(app: typer.Typer) -> None:
        app.command("hello")(lambda: typer.echo("hello from a plugin"))

    def broken(app: typer.Typer) -> None:
        raise RuntimeError("plugin bug")

    class FakeEntryPoint:
        def __init__(self, name, fn):
            self.name, self.value, self.fn = name, f"fake:{name}", fn

        def load(self):
            return self.fn

    seen = []

    def fake_entry_points(group):
        seen.append(group)
        return [FakeEntryPoint("b-good", good), FakeEntryPoint("a-broken", broken)]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    plugin_app = typer.Typer()
    plugin_app.callback()(lambda: None)
    register_plugins(plugin_app)
    assert seen == [PLUGIN_GROUP]
    assert CliRunner().invoke(plugin_app, ["hello"]).stdout == "hello from a plugin\n"
    assert "plugin a-broken (fake:a-broken) not loaded: plugin bug" in caplog.text
