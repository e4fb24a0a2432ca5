"""Who acts in the workbench: the settings' reviewer, or the signed-in e-mail on a team server.

On a single-user install the reviewer is the name set in the settings
(``EVIDENCE_REVIEWER``); every workbench action records it. With sign-in
(the app's ``st.login``) it is the e-mail the provider vouches for, from an
allowed domain (``sign_in_domains``). What that identity may change is
``evidence.roles``'s business. The workbench itself is off unless
``EVIDENCE_WORKBENCH`` switches it on, so `make run` stays a read-only
browser of the evidence.
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


def domain_allowed(settings: Settings, email: str) -> bool:
    """Whether ``email`` belongs to a domain the settings let sign in (any, when none are listed)."""
    domain = email.strip().lower().rpartition("@")[2]
    return bool(domain) and (not settings.allowed_domains or domain in settings.allowed_domains)


def signed_in_reviewer(settings: Settings, email: str | None) -> str:
    """The identity recorded for a signed-in person's workbench actions: their e-mail, lower case.

    Raises ``WorkbenchError`` when the workbench is off, nobody is signed in,
    or the address's domain may not sign in.
    """
    require_workbench(settings)
    address = (email or "").strip().lower()
    if not address:
        raise WorkbenchError("sign in to use the workbench")
    if not domain_allowed(settings, address):
        raise WorkbenchError(f"{address} may not sign in here (allowed domains: {', '.join(settings.allowed_domains)})")
    return address
