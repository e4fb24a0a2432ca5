"""Who is acting in the app's workbench: the one function the sign-in work replaces.

Every workbench page asks ``current_reviewer()`` and passes the answer to the
library's write functions, which record it in the audit trail. On a
single-user install it is the reviewer name of the settings; with sign-in it
becomes the signed-in identity (issue 15).
"""

from __future__ import annotations

from evidence.identity import current_reviewer as _from_settings
from evidence.settings import load_settings


def current_reviewer() -> str:
    """The name to record for a workbench action (raises ``WorkbenchError`` when nobody may act)."""
    return _from_settings(load_settings())
