"""The exit statuses of every `evidence` command and scheduled job (cron and systemd read them).

In the library, not the command line, so the update job and the commands
share one table: ``harvest.update`` reports a run's status with it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit statuses of every `evidence` command (cron and systemd read them)."""

    OK = 0
    FAILED = 1  #: a run failed (network, registry, server); what was stored before is kept
    USAGE = 2  #: bad option, configuration or input; nothing was written
    LOCKED = 75  #: EX_TEMPFAIL: another update holds the lock; try again later
