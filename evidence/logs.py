"""Logging set-up for unattended use: timestamps, levels, optional file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(verbose: bool = False, quiet: bool = False, log_file: Path | None = None) -> None:
    """Send log records to stderr (and a file); stdout stays for command output."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=level, format=FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z",
                        handlers=handlers, force=True)
    for noisy in ("urllib3", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
