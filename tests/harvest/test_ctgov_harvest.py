"""Harvesting /studies with replayed HTTP: paging, incremental windows, every fault, resume."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from sqlalchemy import func, select
from sqlmodel import Session

from evidence.models import HarvestRun, PublicationTrialLink, Trial, utcnow
from harvest.http_client import HarvestHTTPError, HttpClient
from harvest.ctgov import CtgovHarvestError, Strategy, harvest, load_strategy, search_params
from harvest.ctgov_parse import CtgovParseError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ctgov"
URL = "https://clinicaltrials.gov/api/v2/studies"
STRATEGY = Strategy(query_intr='"CAR-T" OR "chimeric antigen receptor"', query_cond="lupus OR myositis",
                    version="test", source="test")
TOKEN1 = "ZVNj7o2Elu8o3lpsWs7z46b-mpOQJJxuZPCs1P0dkA"
TOKEN2 = "NF0g5JGBlPMuwQY"


def body(name: str) -> str:
    return (FIXTURES / name).read_text()


def client(max_tries: int = 3) -> HttpClient:
    return HttpClient(rate=1e6, max_tries=max_tries, timeout=5, sleep=lambda _s: None)


def query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def add_three_pages() -> None:
    """Page 1 (2 studies + token), an empty page with a token, page 2 (2 studies, no token)."""
    responses.get(URL, body=body("studies_page1.json"), content_type="application/json")
    responses.get(URL, body=body("studies_page_empty.json"), content_type="application/json")
    responses.get(URL, body=body("studies_page2.json"), content_type="application/json")


def the_run(engine, run_id: int) -> HarvestRun:
    with Session(engine) as session:
        return session.get(HarvestRun, run_id)


def trial_ids(engine) -> set[str]:
    with Session(engine) as session:
        return set(session.execute(select(Trial.registry_id).where(Trial.origin == "ctgov")).scalars())


def last_run(engine) -> HarvestRun:
    with Session(engine) as session:
        return session.execute(select(HarvestRun).order_by(HarvestRun.id.desc()).limit(1)).scalar_one()


@responses.activate
def test_full_harvest_follows_tokens_through_an_empty_page(engine, settings):
    add_three_pages()
    result = harvest(engine, settings, STRATEGY, full=True, client=client())
    calls = [query(c) for c in responses.calls]
    assert len(calls) == 3 and result.pages == 3 and result.requests == 3
    first = {"format": "json", "pageSize": "1000", "query.intr": STRATEGY.query_intr,
             "query.cond": STRATEGY.query_cond}
    assert calls[0] == dict(first, countTotal="true")  # no pageToken and no date filter in a full run
    assert calls[1] == dict(first, pageToken=TOKEN1) and calls[2] == dict(first, pageToken=TOKEN2)
    assert trial_ids(engine) == {"NCT06100001", "NCT07654321", "NCT05900003", "NCT05800004"}
    run = the_run(engine, result.run_id)
    assert run.status == "succeeded" and run.source == "ctgov"
    assert (run.fetched, run.new, run.updated) == (4, 3, 1)  # NCT07654321 replaced a curated row
    cursor = json.loads(run.cursor)
    assert cursor["next_page_token"] is None and (cursor["announced"], cursor["received"]) == (4, 4)
    assert run.params["full"] is True and run.params["strategy_version"] == "test"


@responses.activate
def test_links_fill_in_after_a_harvest(engine, settings):
    add_three_pages()
    result = harvest(engine, settings, STRATEGY, full=True, client=client())
    with Session(engine) as session:
        links = {(link.pmid, link.registry_id, link.method, link.matched_text)
                 for link in session.execute(select(PublicationTrialLink)).scalars()}
    assert links == {("39000001", "NCT06100001", "registry_reference", "RESULT"),
                     ("39000003", "NCT05800004", "registry_reference", "DERIVED")}
    assert result.links_added == 2


@responses.activate
def test_first_incremental_run_without_history_is_full_then_windows_follow(engine, settings):
    add_three_pages()
    harvest(engine, settings, STRATEGY, client=client())
    assert "filter.advanced" not in query(responses.calls[0])
    responses.get(URL, body='{"totalCount": 0, "studies": []}')
    responses.get(URL, body=body("studies_page1.json"))  # the query as a whole still finds studies
    harvest(engine, settings, STRATEGY, client=client())
    assert query(responses.calls[4])["pageSize"] == "1" and "filter.advanced" not in query(responses.calls[4])
    expected = (utcnow() - timedelta(days=2)).date().isoformat()
    assert query(responses.calls[3])["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{expected},MAX]"


@responses.activate
def test_since_overrides_the_window_and_full_ignores_it(engine, settings):
    responses.get(URL, body='{"studies": []}')
    harvest(engine, settings, STRATEGY, since=date(2024, 1, 15), client=client())
    harvest(engine, settings, STRATEGY, full=True, client=client())
    assert query(responses.calls[0])["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-15,MAX]"
    assert "filter.advanced" not in query(responses.calls[1])


@responses.activate
def test_until_ends_the_window_on_a_day_and_a_full_run_starts_at_min(engine, settings):
    responses.get(URL, body='{"studies": []}')
    harvest(engine, settings, STRATEGY, since=date(2024, 1, 15), until=date(2024, 6, 30), client=client())
    harvest(engine, settings, STRATEGY, full=True, until=date(2024, 6, 30), client=client())
    assert query(responses.calls[0])["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-15,2024-06-30]"
    assert query(responses.calls[1])["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[MIN,2024-06-30]"
    assert last_run(engine).params["until"] == "2024-06-30"
    with pytest.raises(ValueError, match="before since"):
        harvest(engine, settings, STRATEGY, since=date(2024, 6, 30), until=date(2024, 1, 15), client=client())
    assert len(responses.calls) == 2  # refused before asking anything


@responses.activate
def test_a_backfill_ending_before_its_day_is_no_starting_point(engine, settings):
    add_three_pages()
    first = harvest(engine, settings, STRATEGY, full=True, client=client())
    ten_days_ago = utcnow() - timedelta(days=10)
    with Session(engine) as session, session.begin():
        session.get(HarvestRun, first.run_id).started_at = ten_days_ago
    responses.get(URL, body=body("studies_page1.json"))  # a backfill of an old year: it stores studies
    responses.get(URL, body=body("studies_page2.json"))
    old_year_end = ten_days_ago.date() - timedelta(days=400)
    harvest(engine, settings, STRATEGY, since=old_year_end - timedelta(days=365), until=old_year_end,
            client=client())
    responses.get(URL, body=body("studies_page2.json"))
    harvest(engine, settings, STRATEGY, client=client())
    expected = (ten_days_ago - timedelta(days=2)).date().isoformat()  # the full run's start, not the backfill's
    assert query(responses.calls[-1])["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{expected},MAX]"


def test_default_strategy_file_is_valid_and_overridable(settings):
    strategy = load_strategy(Path(settings.ctgov_strategy_file))
    assert "chimeric antigen receptor" in strategy.query_intr and "lupus" in strategy.query_cond
    assert strategy.page_size == 1000 and strategy.overlap_days == 2 and strategy.version
    params = search_params(strategy.with_overrides(query_cond="pemphigus"), None)
    assert params["query.cond"] == "pemphigus" and params["query.intr"] == strategy.query_intr


def test_broken_strategy_files_are_rejected(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text("[query]\n")
    with pytest.raises(ValueError, match="needs 'intr'"):
        load_strategy(bad)
    bad.write_text("[query]\nintr='x'\n[paging]\npage_size=5000\n")
    with pytest.raises(ValueError, match="page_size"):
        load_strategy(bad)
    with pytest.raises(ValueError, match="strategy file"):
        load_strategy(tmp_path / "missing.toml")


# ---- faults ---------------------------------------------------------------------------------


@responses.activate
def test_400_plain_text_fails_the_run_with_the_server_message(engine, settings):
    responses.get(URL, status=400, body="`filter.phase` is unknown parameter", content_type="text/plain")
    with pytest.raises(HarvestHTTPError, match="HTTP 400: `filter.phase` is unknown parameter"):
        harvest(engine, settings, STRATEGY, client=client())
    run = last_run(engine)
    assert run.status == "failed" and "unknown parameter" in run.error and len(responses.calls) == 1


@responses.activate
def test_404_is_not_retried(engine, settings):
    responses.get(URL, status=404, body="Not Found", content_type="text/plain")
    with pytest.raises(HarvestHTTPError, match="HTTP 404"):
        harvest(engine, settings, STRATEGY, client=client())
    assert last_run(engine).status == "failed" and len(responses.calls) == 1


@responses.activate
def test_429_500_and_timeout_are_retried_then_succeed(engine, settings):
    responses.get(URL, status=429, body="Too Many Requests", headers={"Retry-After": "1"})
    responses.get(URL, status=500, body="<html>Internal Server Error</html>")
    responses.get(URL, body=requests.Timeout("read timed out"))
    responses.get(URL, body=body("studies_page2.json"))
    result = harvest(engine, settings, STRATEGY, client=client(max_tries=4))
    assert result.requests == 4 and the_run(engine, result.run_id).status == "succeeded"
    assert trial_ids(engine) == {"NCT05900003", "NCT05800004"}


@responses.activate
def test_persistent_500_fails_after_the_first_page_is_committed(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, status=500, body="upstream error")
    with pytest.raises(HarvestHTTPError, match="after 3 tries"):
        harvest(engine, settings, STRATEGY, client=client(max_tries=3))
    run = last_run(engine)
    assert run.status == "failed" and run.fetched == 2
    assert json.loads(run.cursor)["next_page_token"] == TOKEN1
    assert {"NCT06100001", "NCT07654321"} <= trial_ids(engine)
    with Session(engine) as session:  # the committed page is linked even though the run failed
        link = session.execute(select(PublicationTrialLink)).scalar_one()
        assert (link.pmid, link.registry_id) == ("39000001", "NCT06100001")


@responses.activate
def test_invalid_json_is_asked_for_again(engine, settings):
    responses.get(URL, body='{"studies": [{"protocolSection": ')  # cut off mid-transfer
    responses.get(URL, body=body("studies_page2.json"))
    result = harvest(engine, settings, STRATEGY, client=client())
    assert result.requests == 2 and result.counts.fetched == 2


@responses.activate
def test_persistently_invalid_json_fails_and_keeps_earlier_pages(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, body='{"studies": [')
    with pytest.raises(CtgovParseError, match="invalid JSON"):
        harvest(engine, settings, STRATEGY, client=client())
    assert len(responses.calls) == 1 + 3  # first page, then the bad one three times
    assert last_run(engine).status == "failed" and "NCT06100001" in trial_ids(engine)


@responses.activate
def test_page_missing_studies_writes_nothing_of_that_page(engine, settings):
    page = json.loads(body("studies_page2.json"))
    page["studies"].append({"protocolSection": {"identificationModule": {}}})  # no nctId
    responses.get(URL, json=page)
    with pytest.raises(CtgovParseError, match=r"studies\[2\]: no protocolSection"):
        harvest(engine, settings, STRATEGY, client=client())
    assert trial_ids(engine) == set()  # the page was parsed whole before anything was written
    assert len(responses.calls) == 1  # a wrong shape is not retried
    responses.get(URL, json={"totalCount": 3})
    with pytest.raises(CtgovParseError, match="not an API v2 page"):
        harvest(engine, settings, STRATEGY, client=client())


@responses.activate
def test_next_run_resumes_from_the_failed_runs_next_page(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, status=503, body="busy")
    with pytest.raises(HarvestHTTPError):
        harvest(engine, settings, STRATEGY, client=client(max_tries=2))
    responses.calls.reset()
    responses.replace(responses.GET, URL, body=body("studies_page_empty.json"))
    responses.add(responses.GET, URL, body=body("studies_page2.json"))
    result = harvest(engine, settings, STRATEGY, client=client())
    calls = [query(c) for c in responses.calls]
    assert calls[0]["pageToken"] == TOKEN1 and calls[1]["pageToken"] == TOKEN2
    assert result.pages == 2 and the_run(engine, result.run_id).status == "succeeded"
    assert the_run(engine, result.run_id).params["resumed_from_token"] == TOKEN1
    assert len(trial_ids(engine)) == 4


@responses.activate
def test_expired_resume_token_falls_back_to_the_first_page(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, status=503, body="busy")
    with pytest.raises(HarvestHTTPError):
        harvest(engine, settings, STRATEGY, client=client(max_tries=2))
    responses.calls.reset()
    responses.replace(responses.GET, URL, status=400, body="Invalid pageToken", content_type="text/plain")
    responses.add(responses.GET, URL, body=body("studies_page2.json"))
    result = harvest(engine, settings, STRATEGY, client=client())
    calls = [query(c) for c in responses.calls]
    assert calls[0]["pageToken"] == TOKEN1 and "pageToken" not in calls[1]
    assert the_run(engine, result.run_id).status == "succeeded"


@responses.activate
def test_a_failed_run_does_not_move_the_incremental_watermark(engine, settings):
    responses.get(URL, body=body("studies_page2.json"))
    harvest(engine, settings, STRATEGY, since=date(2025, 1, 1), client=client())
    with Session(engine) as session:  # pretend the success was long ago
        run = session.execute(select(HarvestRun)).scalar_one()
        run.started_at = run.started_at - timedelta(days=30)
        session.commit()
    responses.replace(responses.GET, URL, status=500, body="down")
    with pytest.raises(HarvestHTTPError):
        harvest(engine, settings, STRATEGY, client=client(max_tries=1))
    responses.replace(responses.GET, URL, body=body("studies_page2.json"))
    harvest(engine, settings, STRATEGY, client=client())
    expected = (utcnow() - timedelta(days=32)).date().isoformat()
    assert query(responses.calls[-1])["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{expected},MAX]"
    with Session(engine) as session:
        statuses = list(session.execute(select(HarvestRun.status).order_by(HarvestRun.id)).scalars())
        assert statuses == ["succeeded", "failed", "succeeded"]
        assert session.execute(select(func.count()).select_from(Trial)).scalar_one() == 4  # 2 curated, 2 harvested


@responses.activate
def test_a_server_repeating_its_token_cannot_loop_forever(engine, settings):
    responses.get(URL, body=body("studies_page_empty.json"))  # always answers with the same token
    with pytest.raises(CtgovParseError, match="returned the page token it was given"):
        harvest(engine, settings, STRATEGY, client=client())
    assert len(responses.calls) == 2


def test_default_client_is_polite(settings):
    from harvest.ctgov import make_client

    polite = make_client(settings)
    assert polite.limiter.interval == pytest.approx(60 / 48)  # at most 48 requests a minute
    assert (polite.max_tries, polite.timeout) == (settings.http_max_tries, settings.http_timeout)


@responses.activate
def test_a_since_run_after_a_failure_starts_from_the_first_page(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, status=503, body="busy")
    with pytest.raises(HarvestHTTPError):
        harvest(engine, settings, STRATEGY, full=True, client=client(max_tries=2))
    responses.calls.reset()
    responses.replace(responses.GET, URL, body=body("studies_page2.json"))
    harvest(engine, settings, STRATEGY, since=date(2025, 1, 1), client=client())
    assert "pageToken" not in query(responses.calls[0])  # --since names a new window: no resume


# ---- empty answers (issue 16, item 8) -------------------------------------------------------


@responses.activate
def test_an_html_page_served_with_200_is_retried_like_a_5xx(engine, settings):
    responses.get(URL, body="<!DOCTYPE html><html><body>maintenance</body></html>", content_type="text/html")
    responses.get(URL, body=body("studies_page2.json"))
    result = harvest(engine, settings, STRATEGY, client=client())
    assert result.requests == 2 and the_run(engine, result.run_id).status == "succeeded"


@responses.activate
def test_pages_ending_before_the_announced_count_ask_for_the_last_page_again(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))  # totalCount 4, two studies and a token
    responses.get(URL, body='{"studies": []}')  # the paging ends early
    responses.get(URL, body=body("studies_page2.json"))  # asked again: the real last page
    result = harvest(engine, settings, STRATEGY, full=True, client=client())
    assert query(responses.calls[2])["pageToken"] == TOKEN1 and len(trial_ids(engine)) == 4
    assert the_run(engine, result.run_id).status == "succeeded"


@responses.activate
def test_fewer_studies_than_announced_fail_the_run(engine, settings):
    responses.get(URL, body=body("studies_page1.json"))
    responses.get(URL, body='{"studies": []}')
    with pytest.raises(CtgovHarvestError, match="announced 4 studies but sent 2"):
        harvest(engine, settings, STRATEGY, full=True, client=client(max_tries=3))
    assert len(responses.calls) == 1 + 3  # the last page asked for three times in all
    assert last_run(engine).status == "failed"


@responses.activate
def test_a_first_run_answered_empty_is_no_starting_point(engine, settings):
    responses.get(URL, body='{"studies": []}')
    harvest(engine, settings, STRATEGY, client=client())
    assert last_run(engine).status == "succeeded"
    add_three_pages()
    harvest(engine, settings, STRATEGY, client=client())
    assert "filter.advanced" not in query(responses.calls[1])  # everything again, not "since the empty run"
    assert len(trial_ids(engine)) == 4


@responses.activate
def test_a_query_that_suddenly_finds_nothing_fails_the_run(engine, settings):
    add_three_pages()
    harvest(engine, settings, STRATEGY, client=client())
    responses.calls.reset()
    responses.replace(responses.GET, URL, body='{"studies": []}')
    with pytest.raises(CtgovHarvestError, match="no studies for a query that found studies"):
        harvest(engine, settings, STRATEGY, client=client(max_tries=2))
    counted = [query(c) for c in responses.calls][1:]
    assert len(counted) == 2 and all(q["pageSize"] == "1" and "filter.advanced" not in q for q in counted)
    assert last_run(engine).status == "failed"
    with pytest.raises(CtgovHarvestError, match="no studies"):  # a full run answered empty, too
        harvest(engine, settings, STRATEGY, full=True, client=client(max_tries=2))
