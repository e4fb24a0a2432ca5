"""Ages as registries write them: days, and whether children may enrol."""

from __future__ import annotations

import pytest

from evidence.ages import age_in_days, paediatric_flag


@pytest.mark.parametrize("groups, min_age, expected", [
    (["CHILD", "ADULT"], "", True), (["ADULT", "OLDER_ADULT"], "6 Years", False),
    ([], "16 Years", True), ([], "18 Years", False), ([], "6 Months", True), ([], "", None),
])
def test_paediatric_flag(groups, min_age, expected):
    assert paediatric_flag(groups, min_age) is expected


def test_age_units():
    assert age_in_days("18 Years") == pytest.approx(18 * 365.25)
    assert age_in_days("2 Weeks") == 14 and age_in_days("N/A") is None
