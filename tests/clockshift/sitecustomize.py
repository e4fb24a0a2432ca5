"""Move this interpreter's clock by ``TEST_CLOCK_SHIFT_DAYS`` days (the time-bomb guard).

Put this folder first on ``PYTHONPATH`` and every Python process started
from there, the test runner and the ``evidence`` subprocesses the tests start,
sees a clock that far ahead, still ticking. A test that names a calendar date
as "recent" then fails today, not on the day that date goes stale.
"""

import os

_days = os.environ.get("TEST_CLOCK_SHIFT_DAYS")
if _days:
    from datetime import datetime, timedelta, timezone

    import time_machine

    time_machine.travel(datetime.now(timezone.utc) + timedelta(days=int(_days)), tick=True).start()
