"""The bank holidays the reports' timeliness was decided with (``talkzone.rollup``).

The roll-up stores whether each request and complaint met its working-day deadline as it is
written, so a change to England's bank holidays (a new ``holidays`` release, a one-off day)
changes deadlines already decided. This test names the calendar it was decided with; when it
fails, add a migration that runs ``talkzone.rollup.rebuild`` and then update the fingerprint.
"""

import hashlib
from datetime import date, timedelta

from talkzone.calendar import is_bank_holiday

FIRST, LAST = date(2020, 1, 1), date(2030, 12, 31)
FINGERPRINT = (101, "5ba87ac83e5e3dad")  # bank holidays from FIRST to LAST, and their sha256


def test_the_bank_holidays_are_those_the_roll_up_was_built_with():
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    holidays = [d.isoformat() for d in days if is_bank_holiday(d)]
    found = (len(holidays), hashlib.sha256(" ".join(holidays).encode()).hexdigest()[:16])
    assert found == FINGERPRINT, ("England's bank holidays have changed: add a migration that runs "
                                  "talkzone.rollup.rebuild, then update FINGERPRINT")
