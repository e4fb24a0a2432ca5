"""One settings object: every knob, its default, its environment variable and its help.

Settings come from (lowest to highest precedence) the defaults below, an
optional TOML file (``EVIDENCE_CONFIG`` or ``./evidence.toml``, table
``[evidence]``) and environment variables. Nothing else in the code base reads
``os.environ``. Secrets are masked by ``Settings.redacted()`` and
``mask_url()`` so neither logs nor output ever carry them (a PostgreSQL URL
holds its password).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent


_SECRET_PARAMS = frozenset({"password", "passwd", "pwd", "api_key", "apikey", "key", "token", "secret"})


def mask_url(value: str) -> str:
    """The URL with its password and secret query parameters replaced by ``***``, safe to print or log.

    Anything that is not a URL (a file path) comes back unchanged.
    """
    if "://" not in value:
        return value
    parts = urlsplit(value)
    netloc = parts.netloc
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    query = "&".join(f"{k}=***" if sep and k.lower() in _SECRET_PARAMS else f"{k}{sep}{v}"
                     for k, sep, v in (p.partition("=") for p in parts.query.split("&"))) if parts.query else ""
    if (netloc, query) == (parts.netloc, parts.query):
        return value  # urlunsplit would drop the empty authority of sqlite:////abs/path
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _default_db() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "cart-evidence" / "evidence.db")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "EVIDENCE_DB", None, "Database: a file path (SQLite) or any SQLAlchemy URL. "
            "Default: $XDG_DATA_HOME/cart-evidence/evidence.db."),
    Setting("data_dir", "EVIDENCE_DATA_DIR", str(REPO_ROOT / "data"),
            "Folder of the curated CSV files loaded by `evidence init`."),
    Setting("ncbi_api_key", "NCBI_API_KEY", "", "NCBI API key (raises the limit from 3 to 10 requests/s).",
            secret=True),
    Setting("ncbi_email", "NCBI_EMAIL", "", "Contact e-mail sent to NCBI with every request."),
    Setting("ncbi_tool", "NCBI_TOOL", "cart-evidence", "Tool name sent to NCBI with every request."),
    Setting("eutils_url", "EVIDENCE_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
            "E-utilities base URL (esearch.fcgi and efetch.fcgi are appended)."),
    Setting("ctgov_url", "EVIDENCE_CTGOV_URL", "https://clinicaltrials.gov/api/v2",
            "ClinicalTrials.gov API v2 base URL (/studies is appended)."),
    Setting("pubmed_query_file", "EVIDENCE_PUBMED_QUERY", str(REPO_ROOT / "data" / "search" / "pubmed.txt"),
            "File holding the PubMed search strategy."),
    Setting("ctgov_strategy_file", "EVIDENCE_CTGOV_STRATEGY", str(REPO_ROOT / "data" / "search" / "ctgov.toml"),
            "File holding the ClinicalTrials.gov search strategy."),
    Setting("ncbi_requests_per_second", "EVIDENCE_NCBI_RATE", 0.0,
            "E-utilities request rate; 0 means NCBI's limit (3/s, 10/s with an API key). Raise only for a mirror."),
    Setting("ctgov_requests_per_minute", "EVIDENCE_CTGOV_RATE", 48.0,
            "ClinicalTrials.gov request rate per minute (the API asks for about 50 at most)."),
    Setting("http_timeout", "EVIDENCE_HTTP_TIMEOUT", 30.0, "Seconds before an HTTP request times out."),
    Setting("http_max_tries", "EVIDENCE_HTTP_MAX_TRIES", 5, "Tries per HTTP request before giving up."),
    Setting("lock_file", "EVIDENCE_LOCK_FILE", "", "Lock file for `evidence update` (default: beside the database)."),
    Setting("workbench", "EVIDENCE_WORKBENCH", False,
            "Switch on the reviewer's workbench (screening, extraction); off, the store is read-only to users."),
    Setting("reviewer", "EVIDENCE_REVIEWER", "", "Name recorded for workbench actions on a single-user install."),
    Setting("allow_anonymous", "EVIDENCE_ALLOW_ANONYMOUS", True,
            "With sign-in configured: whether visitors not signed in may browse (they never change anything)."),
    Setting("sign_in_domains", "EVIDENCE_SIGN_IN_DOMAINS", "",
            "With sign-in configured: comma-separated e-mail domains that may sign in (empty: any)."),
)


@dataclass(frozen=True)
class Settings:
    db: str | None = None
    data_dir: str = str(REPO_ROOT / "data")
    ncbi_api_key: str = field(default="", repr=False)
    ncbi_email: str = ""
    ncbi_tool: str = "cart-evidence"
    eutils_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    ctgov_url: str = "https://clinicaltrials.gov/api/v2"
    pubmed_query_file: str = str(REPO_ROOT / "data" / "search" / "pubmed.txt")
    ctgov_strategy_file: str = str(REPO_ROOT / "data" / "search" / "ctgov.toml")
    ncbi_requests_per_second: float = 0.0
    ctgov_requests_per_minute: float = 48.0
    http_timeout: float = 30.0
    http_max_tries: int = 5
    lock_file: str = ""
    workbench: bool = False
    reviewer: str = ""
    allow_anonymous: bool = True
    sign_in_domains: str = ""

    @property
    def allowed_domains(self) -> tuple[str, ...]:
        """The e-mail domains that may sign in, lower case (empty: any)."""
        return tuple(d.strip().lower().lstrip("@") for d in self.sign_in_domains.split(",") if d.strip())

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL; a bare path means a SQLite file."""
        target = self.db or _default_db()
        return target if "://" in target else f"sqlite:///{Path(target).expanduser()}"

    def redacted(self) -> dict[str, Any]:
        """Settings as a dict with secrets (and passwords inside URLs) masked, safe to log."""
        out = {}
        for spec in SETTINGS:
            value = getattr(self, spec.name)
            out[spec.name] = "***" if spec.secret and value else mask_url(value) if isinstance(value, str) else value
        return out

    @property
    def database_label(self) -> str:
        """The database URL with its password masked: what messages and logs show."""
        return mask_url(self.database_url)


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if kind == "float":
        return float(raw)
    if kind == "int":
        return int(raw)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ValueError(f"{name}: {raw!r} is not true or false")
        return str(raw).strip().lower() in ("1", "true", "yes", "on")
    return raw if raw is None else str(raw)


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Build the settings from defaults, an optional TOML file and the environment."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or (Path(env["EVIDENCE_CONFIG"]) if env.get("EVIDENCE_CONFIG") else Path("evidence.toml"))
    if path.is_file():
        with path.open("rb") as fh:
            table = tomllib.load(fh).get("evidence", {})
        unknown = set(table) - {s.name for s in SETTINGS}
        if unknown:
            raise ValueError(f"{path}: unknown settings {sorted(unknown)}")
        values.update({k: _coerce(k, v) for k, v in table.items()})
    for spec in SETTINGS:
        if env.get(spec.env):
            values[spec.name] = _coerce(spec.name, env[spec.env])
    return replace(Settings(), **values)
