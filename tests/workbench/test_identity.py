"""Who acts: the workbench is off by default and records the reviewer named in the settings."""

from __future__ import annotations

import pytest

from evidence.identity import WorkbenchError, current_reviewer
from evidence.settings import Settings, load_settings


def test_workbench_is_off_unless_switched_on(tmp_path):
    settings = load_settings({}, config_file=tmp_path / "none.toml")
    assert settings.workbench is False
    with pytest.raises(WorkbenchError, match="off"):
        current_reviewer(settings)


def test_reviewer_comes_from_the_environment_or_the_settings_file(tmp_path):
    env = {"EVIDENCE_WORKBENCH": "true", "EVIDENCE_REVIEWER": "  Ada  Lovelace "}
    assert current_reviewer(load_settings(env, config_file=tmp_path / "none.toml")) == "Ada Lovelace"
    toml = tmp_path / "evidence.toml"
    toml.write_text('[evidence]\nworkbench = true\nreviewer = "Bea"\n', encoding="utf-8")
    assert current_reviewer(load_settings({}, config_file=toml)) == "Bea"


def test_a_workbench_without_a_reviewer_name_refuses_to_act():
    with pytest.raises(WorkbenchError, match="no reviewer"):
        current_reviewer(Settings(workbench=True))


def test_a_bad_switch_value_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="not true or false"):
        load_settings({"EVIDENCE_WORKBENCH": "perhaps"}, config_file=tmp_path / "none.toml")
