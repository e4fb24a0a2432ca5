"""One settings object: defaults, TOML file, environment, redaction, documentation."""

from __future__ import annotations

import pytest

from evidence.settings import SETTINGS, REPO_ROOT, Settings, load_settings, mask_url


def test_environment_beats_file_beats_default(tmp_path):
    cfg = tmp_path / "evidence.toml"
    cfg.write_text('[evidence]\nncbi_email = "file@example.org"\nhttp_max_tries = 3\n')
    settings = load_settings({"NCBI_EMAIL": "env@example.org"}, config_file=cfg)
    assert settings.ncbi_email == "env@example.org"
    assert settings.http_max_tries == 3
    assert settings.ctgov_url == "https://clinicaltrials.gov/api/v2"


def test_unknown_setting_in_file_is_an_error(tmp_path):
    cfg = tmp_path / "evidence.toml"
    cfg.write_text('[evidence]\nncbi_emial = "typo@example.org"\n')
    with pytest.raises(ValueError, match="ncbi_emial"):
        load_settings({}, config_file=cfg)


def test_database_url_from_path_or_url(tmp_path):
    assert load_settings({"EVIDENCE_DB": str(tmp_path / "x.db")}, config_file=tmp_path / "none"
                         ).database_url == f"sqlite:///{tmp_path / 'x.db'}"
    url = "postgresql+psycopg://u@h/db"
    assert load_settings({"EVIDENCE_DB": url}, config_file=tmp_path / "none").database_url == url


def test_secrets_are_redacted(tmp_path):
    settings = load_settings({"NCBI_API_KEY": "s3cr3t"}, config_file=tmp_path / "none")
    assert "s3cr3t" not in repr(settings.redacted())


def test_every_setting_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if s.env not in readme]
    assert not missing, f"README does not document {missing}"


def test_repr_never_shows_the_api_key(tmp_path):
    settings = load_settings({"NCBI_API_KEY": "s3cr3t"}, config_file=tmp_path / "none")
    assert "s3cr3t" not in repr(settings) and settings.ncbi_api_key == "s3cr3t"


def test_deploy_example_settings_file_is_valid():
    settings = load_settings({}, config_file=REPO_ROOT / "deploy" / "evidence.toml.example")
    assert settings.database_url == "sqlite:////var/lib/cart-evidence/evidence.db"


@pytest.mark.parametrize("url,shown", [
    ("postgresql+psycopg://ev:s3cr%40t@db.example.org:5432/evidence?sslmode=require",
     "postgresql+psycopg://ev:***@db.example.org:5432/evidence?sslmode=require"),
    ("postgresql://ev@/evidence?host=/run/postgresql&password=s3cret",
     "postgresql://ev@/evidence?host=/run/postgresql&password=***"),
    ("https://user:pw@mirror.example.org/eutils/?api_key=abc",
     "https://user:***@mirror.example.org/eutils/?api_key=***"),
    ("sqlite:////home/a@b/evidence.db", "sqlite:////home/a@b/evidence.db"),
    ("/var/lib/cart-evidence/evidence.db", "/var/lib/cart-evidence/evidence.db"),
])
def test_passwords_in_urls_are_masked(url, shown):
    assert mask_url(url) == shown
    settings = Settings(db=url)
    assert "s3cr" not in str(settings.redacted()) and "s3cr" not in settings.database_label
