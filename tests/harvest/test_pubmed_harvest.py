"""The PubMed harvester against a local E-utilities server: windows, batches, incremental runs, faults."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from evidence.models import HarvestRun, Publication
from evidence.settings import Settings
from fixtures.pubmed.fake_eutils import (
    EMPTY_FETCH,
    EMPTY_SEARCH,
    ERROR_200,
    HERE,
    HTML_200,
    FakeEutils,
    Fault,
    Server,
)
from harvest import pubmed
from harvest.http_client import HarvestHTTPError, HttpClient, RegistryUnreachable
from harvest.pubmed import EutilsClient, PubmedHarvestError, Window, harvest

TERM = "car-t AND lupus"
SETTINGS = Settings()  # the client each test passes replaces the one these would make
TODAY = date.today()


@pytest.fixture(autouse=True)
def _noon_of_today():
    """Run each test at noon of TODAY, the clock ticking: the harvester's date.today() is the tests' TODAY
    even when the run crosses midnight (incremental windows are whole days)."""
    import time_machine

    with time_machine.travel(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=timezone.utc), tick=True):
        yield


@pytest.fixture
def fake():
    f = FakeEutils()
    f.add_many(12, 39100001, date(2024, 1, 1), date(2024, 12, 31))
    return f


@pytest.fixture
def served(fake):
    with Server(fake) as url:
        yield url


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(served, sleeps):
    http = HttpClient(rate=1000, max_tries=3, timeout=0.5, sleep=sleeps.append)
    return EutilsClient(base_url=served, tool="cart-evidence-test", email="test@example.org", api_key="k3y",
                        http=http, max_tries=3)


def _runs(engine) -> list[HarvestRun]:
    with Session(engine) as s:
        runs = s.execute(select(HarvestRun).where(HarvestRun.source == "pubmed").order_by(HarvestRun.id)).scalars()
        out = list(runs)
        s.expunge_all()
        return out


def _count(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Publication).where(
            Publication.pmid.like("391%"))).scalar_one()


def test_full_harvest_one_search_then_one_fetch_per_batch(engine, client, fake):
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=5)
    assert (summary.counts.fetched, summary.counts.new) == (12, 12)
    assert fake.count("esearch") == 1 and fake.count("efetch") == 3 and summary.requests == 4
    search = fake.requests[0][1]
    assert search["usehistory"] == "y" and search["term"] == TERM and "datetype" not in search
    fetches = [p for e, p in fake.requests if e == "efetch"]
    assert [(p["retstart"], p["retmax"]) for p in fetches] == [("0", "5"), ("5", "5"), ("10", "2")]
    assert all(p["query_key"] == "1" and p["WebEnv"] == search.get("WebEnv", p["WebEnv"]) for p in fetches)
    for _, params in fake.requests:  # politeness on every request
        assert (params["tool"], params["email"], params["api_key"], params["db"]) == \
            ("cart-evidence-test", "test@example.org", "k3y", "pubmed")
    run = _runs(engine)[-1]
    assert (run.status, run.fetched, run.new, run.updated) == ("succeeded", 12, 12, 0)
    assert json.loads(run.cursor)["next_retstart"] == 12 and run.params["mode"] == "full"
    assert _count(engine) == 12


def test_over_the_cap_splits_into_date_windows(engine, client, fake, monkeypatch):
    monkeypatch.setattr(pubmed, "MAX_RESULTS", 10)
    fake.cap = 10
    fake.add_many(40, 39200001, date(2020, 1, 1), date(2024, 12, 31))
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=4)
    assert summary.counts.fetched == 52 and summary.counts.new == 52  # every record, once
    windows = [p for e, p in fake.requests if e == "esearch" and "mindate" in p]
    assert windows and all(p["datetype"] == "edat" for p in windows)
    assert summary.windows >= 6  # 52 records, at most 10 per window
    fetched_ids = sum(int(p["retmax"]) for e, p in fake.requests if e == "efetch")
    assert fetched_ids == 52


def test_window_split_covers_the_range_without_gaps():
    w = Window(date(2024, 1, 1), date(2024, 12, 31))
    parts = w.split(3)
    assert parts[0].start == w.start and parts[-1].end == w.end
    assert all(b.start - a.end == timedelta(days=1) for a, b in zip(parts, parts[1:], strict=False))
    assert sum(p.days for p in parts) == w.days
    assert Window(date(2024, 1, 1), date(2024, 1, 2)).split(5) == [
        Window(date(2024, 1, 1), date(2024, 1, 1)), Window(date(2024, 1, 2), date(2024, 1, 2))]


def test_incremental_run_fetches_entered_or_modified_since_last_success(engine, client, fake):
    harvest(engine, SETTINGS, TERM, client=client, batch_size=50)  # first run ever: full
    fake.requests.clear()
    fake.add(39300001, edat=TODAY)  # new
    fake.add(39100003, edat=date(2024, 2, 1), mdat=TODAY, template=2, marker="revised")  # modified
    summary = harvest(engine, SETTINGS, TERM, client=client, batch_size=50)
    assert summary.mode == "incremental" and summary.since == (TODAY - timedelta(days=2)).isoformat()
    assert (summary.counts.fetched, summary.counts.new, summary.counts.updated) == (2, 1, 1)
    searches = [p for e, p in fake.requests if e == "esearch"]
    assert [p.get("datetype") for p in searches] == ["edat", "mdat", None]
    assert searches[0]["mindate"] == (TODAY - timedelta(days=2)).strftime("%Y/%m/%d")
    assert searches[2]["term"] == "#1 OR #2"  # union on the History server: each record fetched once
    assert fake.count("efetch") == 1
    with Session(engine) as s:
        assert s.get(Publication, "39100003").title.endswith("[revised]")


def test_incremental_follows_only_runs_of_the_same_search(engine, client, fake):
    harvest(engine, SETTINGS, "another search", client=client, full=True)
    assert harvest(engine, SETTINGS, TERM, client=client).mode == "full"


def test_a_backfill_with_an_old_until_is_not_a_starting_point(engine, client, fake):
    harvest(engine, SETTINGS, TERM, client=client, full=True)
    with Session(engine) as s:  # the full run was ten days ago
        run = s.get(HarvestRun, _runs(engine)[-1].id)
        run.started_at = datetime.now(timezone.utc) - timedelta(days=10)
        s.commit()
    harvest(engine, SETTINGS, TERM, client=client, since=date(2024, 1, 1), until=date(2024, 2, 1))  # backfill today
    assert harvest(engine, SETTINGS, TERM, client=client).since == (TODAY - timedelta(days=12)).isoformat()


def test_since_overrides_and_until_bounds(engine, client, fake):
    summary = harvest(engine, SETTINGS, TERM, client=client, since=date(2024, 6, 1), until=date(2024, 8, 31))
    assert summary.mode == "since" and 0 < summary.counts.fetched < 12
    first = fake.requests[0][1]
    assert (first["mindate"], first["maxdate"]) == ("2024/06/01", "2024/08/31")


def test_empty_search_is_a_successful_run(engine, client, fake):
    summary = harvest(engine, SETTINGS, "NOTHING[tiab]", client=client, full=True)
    assert summary.counts.fetched == 0 and fake.count("efetch") == 0
    assert _runs(engine)[-1].status == "succeeded"


def test_long_query_is_posted(engine, client, fake):
    long_term = " OR ".join(f'"term number {i}"[tiab]' for i in range(60))
    harvest(engine, SETTINGS, long_term, client=client, full=True)
    assert fake.requests[0][1]["term"] == long_term


# ---------------------------------------------------------------- faults

def test_429_and_500_are_retried_honouring_retry_after(engine, client, fake, sleeps):
    fake.faults += [Fault("esearch", 429, b'{"error":"API rate limit exceeded","api-key":"1.2.3.4","count":"5",'
                                          b'"limit":"3"}', {"Content-Type": "application/json", "Retry-After": "2"}),
                    Fault("efetch", 500, b"<html><body>Internal Server Error</body></html>",
                          {"Content-Type": "text/html"})]
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=50)
    assert summary.counts.new == 12 and sleeps[0] == 2.0 and len(sleeps) == 2
    assert summary.requests == 4  # two answered plus two retried


def test_timeout_and_connection_reset_are_retried(engine, client, fake):
    fake.faults += [Fault("esearch", delay=1.0), Fault("efetch", drop=True)]
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=50)
    assert summary.counts.new == 12


def test_connection_reset_in_the_middle_of_an_answer_is_retried(engine, client, fake):
    fake.faults += [Fault("efetch", cut=True), Fault("esearch", cut=True)]
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=50)
    assert summary.counts.new == 12 and fake.count("efetch") == 2 and fake.count("esearch") == 2


def test_truncated_efetch_is_fetched_again(engine, client, fake, sleeps):
    body = (HERE / "efetch_truncated.xml").read_bytes()
    fake.faults.append(Fault("efetch", 200, body))
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=50)
    assert summary.counts.new == 12 and fake.count("efetch") == 2 and sleeps == [1.0]


def _failing_run(engine, client, fake, fault: Fault, error, batch_size: int = 5):
    """Fail on the second efetch; the first batch stays committed with its cursor."""
    fake.faults.append(fault)
    original = fake.answer

    def answer(path, params):  # let the first efetch through, then the fault applies
        if path.endswith("efetch.fcgi") and fake.count("efetch") == 0:
            fake.requests.append(("efetch", params))
            return None, fake._fetch(params)
        return original(path, params)

    fake.answer = answer
    with pytest.raises(error) as exc:
        harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=batch_size)
    run = _runs(engine)[-1]
    assert run.status == "failed" and run.finished_at is not None
    assert (run.fetched, run.new) == (5, 5) and json.loads(run.cursor)["next_retstart"] == 5
    assert _count(engine) == 5
    return exc.value, run


def test_http_400_with_error_body_fails_at_once_and_keeps_committed_batches(engine, client, fake):
    body = b'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult><ERROR>ID list is empty! Possibly it has no ' \
           b"correct IDs.</ERROR></eFetchResult>\n"
    err, run = _failing_run(engine, client, fake, Fault("efetch", 400, body), HarvestHTTPError)
    assert err.status == 400 and "ID list is empty" in run.error and fake.count("efetch") == 2


@pytest.mark.parametrize("endpoint", ["esearch", "efetch"])
@pytest.mark.parametrize("body", [ERROR_200, HTML_200], ids=["error-element", "html-page"])
def test_an_error_served_with_200_is_retried_like_a_5xx(engine, client, fake, sleeps, endpoint, body):
    fake.faults.append(Fault(endpoint, 200, body, {"Content-Type": "text/html"} if body == HTML_200 else {}))
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=50)
    assert summary.counts.new == 12 and fake.count(endpoint) == 2 and len(sleeps) == 1


def test_a_persistent_error_served_with_200_fails_with_ncbis_words(engine, client, fake):
    _, run = _failing_run(engine, client, fake, Fault("efetch", 200, ERROR_200, times=99), HarvestHTTPError)
    assert "after 3 tries" in run.error and "Unable to obtain query #1" in run.error


def test_persistent_truncation_fails_after_bounded_tries(engine, client, fake):
    body = (HERE / "efetch_truncated.xml").read_bytes()
    _, run = _failing_run(engine, client, fake, Fault("efetch", 200, body, times=99), PubmedHarvestError)
    assert "after 3 tries" in run.error and "malformed PubMed XML" in run.error


def test_unreachable_server_fails_the_run(engine, client, fake):
    _, run = _failing_run(engine, client, fake, Fault("efetch", drop=True, times=99), RegistryUnreachable)
    assert "cannot be reached" in run.error


def test_esearch_error_element_fails_before_anything_is_written(engine, client, fake):
    fake.faults.append(Fault("esearch", 200, (HERE / "esearch_error.xml").read_bytes(), times=99))
    with pytest.raises(HarvestHTTPError, match="unbalanced parentheses"):
        harvest(engine, SETTINGS, TERM, client=client, full=True)
    assert _runs(engine)[-1].status == "failed" and _count(engine) == 0


def test_after_a_failed_run_the_next_resumes_from_the_last_success(engine, client, fake):
    harvest(engine, SETTINGS, TERM, client=client, full=True)
    with Session(engine) as s:  # pretend the success was ten days ago
        run = s.get(HarvestRun, _runs(engine)[-1].id)
        run.started_at = datetime.now(timezone.utc) - timedelta(days=10)
        s.commit()
    fake.add(39400001, edat=TODAY - timedelta(days=5))
    fake.add(39400002, edat=TODAY - timedelta(days=4))
    fake.faults.append(Fault("efetch", 503, b"busy", times=99))
    with pytest.raises(HarvestHTTPError):
        harvest(engine, SETTINGS, TERM, client=client)
    fake.faults.clear()
    summary = harvest(engine, SETTINGS, TERM, client=client)
    assert summary.since == (TODAY - timedelta(days=12)).isoformat()  # the success, not the failure
    assert summary.counts.new == 2 and _runs(engine)[-2].status == "failed"


def test_settings_give_rate_and_identity():
    from evidence.settings import Settings

    c = EutilsClient.from_settings(Settings(ncbi_api_key="", ncbi_email="a@b.org", eutils_url="http://x/y"))
    assert c.http.limiter.interval == pytest.approx(1 / 3) and c.base_url == "http://x/y/"
    keyed = EutilsClient.from_settings(Settings(ncbi_api_key="abc"))
    assert keyed.http.limiter.interval == pytest.approx(1 / 10)
    assert keyed._params(term="x")["api_key"] == "abc" and "api_key" not in c._params(term="x")


# ---------------------------------------------------------------- empty answers (issue 16, item 8)

def test_an_empty_batch_is_fetched_again(engine, client, fake, sleeps):
    fake.faults.append(Fault("efetch", 200, EMPTY_FETCH, skip=1))
    summary = harvest(engine, SETTINGS, TERM, client=client, full=True, batch_size=5)
    assert summary.counts.new == 12 and fake.count("efetch") == 4 and sleeps == [1.0]
    assert _runs(engine)[-1].status == "succeeded"


def test_a_batch_that_stays_short_fails_the_run_and_the_next_run_fetches_it(engine, client, fake):
    _, run = _failing_run(engine, client, fake, Fault("efetch", 200, EMPTY_FETCH, times=99), PubmedHarvestError)
    assert "after 3 tries: 0 of the 5 records asked for came back" in run.error
    fake.faults.clear()
    summary = harvest(engine, SETTINGS, TERM, client=client, batch_size=5)
    assert summary.mode == "full" and _count(engine) == 12  # the failed run is no starting point


def test_a_first_run_answered_empty_is_no_starting_point(engine, client, fake):
    fake.faults.append(Fault("esearch", 200, EMPTY_SEARCH))
    assert harvest(engine, SETTINGS, TERM, client=client).counts.fetched == 0
    assert _runs(engine)[-1].status == "succeeded"
    summary = harvest(engine, SETTINGS, TERM, client=client)  # everything, not "since the empty run"
    assert summary.mode == "full" and summary.counts.new == 12


def test_a_search_that_suddenly_finds_nothing_is_asked_again_then_fails(engine, client, fake, sleeps):
    harvest(engine, SETTINGS, TERM, client=client, full=True)
    fake.faults.append(Fault("esearch", 200, EMPTY_SEARCH))  # once: the second answer is right
    assert harvest(engine, SETTINGS, TERM, client=client, full=True).counts.fetched == 12 and sleeps == [1.0]
    fake.faults.append(Fault("esearch", 200, EMPTY_SEARCH, times=99))
    with pytest.raises(PubmedHarvestError, match="found no records 3 times for a search that found records"):
        harvest(engine, SETTINGS, TERM, client=client, full=True)
    assert _runs(engine)[-1].status == "failed"


def test_an_incremental_window_may_be_empty_but_the_query_may_not(engine, client, fake):
    harvest(engine, SETTINGS, TERM, client=client, full=True)
    quiet = harvest(engine, SETTINGS, TERM, client=client)  # nothing entered in the last days: a normal night
    assert quiet.mode == "incremental" and quiet.counts.fetched == 0
    counted = [p for e, p in fake.requests if e == "esearch" and p.get("rettype") == "count"]
    assert len(counted) == 1 and "mindate" not in counted[0]  # the whole query still finds records
    watermark = _runs(engine)[-1].started_at
    fake.faults.append(Fault("esearch", 200, EMPTY_SEARCH, times=99))
    with pytest.raises(PubmedHarvestError, match="found records in earlier runs"):
        harvest(engine, SETTINGS, TERM, client=client)
    fake.faults.clear()
    fake.add(39500001, edat=TODAY)
    assert harvest(engine, SETTINGS, TERM, client=client).counts.new == 1
    assert pubmed.last_success_of_query(engine, pubmed.query_sha(TERM)).started_at > watermark
