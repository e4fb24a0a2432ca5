"""Who is acting in the app's workbench: the one function the workbench pages ask.

Every workbench page asks ``current_reviewer()`` and passes the answer to the
library's write functions, which check that person's role
(``evidence.roles``) and record them in the audit trail. With sign-in
configured it is the signed-in e-mail (``st.user``); on a single-user
install, the reviewer name of the settings.
"""

from __future__ import annotations

from app_pages.auth import acting_identity


def current_reviewer() -> str:
    """The identity to record for a workbench action (raises ``WorkbenchError`` when nobody may act)."""
    return acting_identity()
