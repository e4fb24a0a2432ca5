"""Which report of a cohort is the latest: one rule, dates compared as what they are."""

from __future__ import annotations

from evidence.cohorts import Dated, compare_partial, latest_first, latest_report, partial_date


def _reports(*rows: Dated) -> dict[str, Dated]:
    return {r.report_id: r for r in rows}


def test_partial_dates_compare_on_the_precision_both_have():
    assert partial_date("2025-03-17") == (2025, 3, 17)
    assert partial_date("", 2025) == (2025,)
    assert compare_partial((2025,), (2025, 3, 17)) == 0  # a year is not earlier than a day in it
    assert compare_partial((2025, 4), (2025, 3, 17)) == 1
    assert compare_partial((2024,), (2025, 1)) == -1
    assert compare_partial((), (2025,)) == 0


def test_an_explicit_supersedes_chain_decides():
    # obe-cel: ACR 2025 has a cut-off day, ASH 2025 only a year, and supersedes ACR.
    reports = _reports(Dated("acr", None, "2025-03-17", 2025), Dated("ash", "acr", "", 2025))
    assert latest_report(["acr", "ash"], reports) == "ash"
    assert latest_report(["ash", "acr"], reports) == "ash"  # not the order given


def test_the_chain_decides_even_against_a_later_date_and_through_reports_not_asked_about():
    reports = _reports(Dated("a", None, "2025-06", 2025), Dated("b", "a", "2024", 2024),
                       Dated("c", "b", "", 2024))
    assert latest_report(["a", "c"], reports) == "c"


def test_year_only_report_ties_with_a_day_of_that_year_then_publication_year_decides():
    reports = _reports(Dated("day", None, "2025-03-17", 2025), Dated("year", None, "", 2026),
                       Dated("older", None, "2024-12-31", 2025))
    assert latest_first(["day", "year", "older"], reports) == ["year", "day", "older"]


def test_distinct_dates_of_different_precision():
    reports = _reports(Dated("may", None, "2024-05", 2024), Dated("next", None, "", 2025))
    assert latest_report(["may", "next"], reports) == "next"
