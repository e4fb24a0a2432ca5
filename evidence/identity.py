"""Who acts in the workbench: the one function the team issue replaces with sign-in.

On a single-user install the reviewer is the name set in the settings
(``EVIDENCE_REVIEWER``); every workbench action records it. The workbench
itself is off unless ``EVIDENCE_WORKBENCH`` switches it on, so `make run`
stays a read-only browser of the evidence.
"""

from __future__ import annotations

from evidence.settings import Settings


class WorkbenchError(ValueError):
    """The workbench cannot act: switched off, or nobody to record as the reviewer."""


def require_workbench(settings: Settings) -> None:
    """Raise unless the settings switch the workbench on."""
    if not settings.workbench:
        raise WorkbenchError("the reviewer's workbench is off; set EVIDENCE_WORKBENCH=true (or workbench = true "
                             "in the [evidence] table of the settings file) to switch it on")


def current_reviewer(settings: Settings) -> str:
    """The name recorded for workbench actions (the workbench must be on and a name set)."""
    require_workbench(settings)
    name = " ".join(settings.reviewer.split())
    if not name:
        raise WorkbenchError("no reviewer name: set EVIDENCE_REVIEWER (or reviewer = \"…\" in the settings file)")
    return name
