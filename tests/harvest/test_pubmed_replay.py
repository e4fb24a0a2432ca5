"""Saved NCBI answers replayed with `responses`: the fixtures are real formats, the client reads them."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import responses
from Bio import Entrez

from evidence.settings import Settings
from harvest.http_client import HarvestHTTPError, HttpClient
from harvest.pubmed import EutilsClient, PubmedHarvestError, harvest

FIX = Path(__file__).parents[1] / "fixtures" / "pubmed"
BASE = "https://eutils.example.org/entrez/eutils/"
SETTINGS = Settings()  # the replaying client each test passes replaces the one these would make


@pytest.mark.parametrize("name", ["efetch_batch.xml", "efetch_empty.xml", "esearch_page1.xml",
                                  "esearch_over_cap.xml", "esearch_empty.xml"])
def test_fixtures_are_valid_against_ncbis_dtds(name):
    """Strict parse: every element is declared in the DTD their DOCTYPE line names."""
    Entrez.read(io.BytesIO((FIX / name).read_bytes()), validate=True)


def _client() -> EutilsClient:
    return EutilsClient(base_url=BASE, tool="t", email="e@example.org",
                        http=HttpClient(rate=1000, max_tries=2, sleep=lambda s: None))


@responses.activate
def test_replayed_incremental_window(engine):
    responses.get(BASE + "esearch.fcgi", body=(FIX / "esearch_page1.xml").read_bytes())
    responses.get(BASE + "efetch.fcgi", body=(FIX / "efetch_batch.xml").read_bytes())
    summary = harvest(engine, SETTINGS, "car-t", client=_client(), since=date(2024, 1, 1), until=date(2024, 12, 31))
    assert (summary.counts.new, summary.counts.deleted) == (5, 0)
    searches = [c.request for c in responses.calls if "esearch" in c.request.url]
    assert len(searches) == 3 and "datetype=edat" in searches[0].url and "datetype=mdat" in searches[1].url
    assert "mindate=2024%2F01%2F01" in searches[0].url and "WebEnv=MCID_" in searches[1].url
    assert "term=%231+OR+%231" in searches[2].url  # both searches answered query key 1 here
    fetch = next(c.request for c in responses.calls if "efetch" in c.request.url)
    assert "query_key=1" in fetch.url and "retmode=xml" in fetch.url and "rettype" not in fetch.url


@responses.activate
def test_replayed_over_cap_answer_is_split(engine):
    responses.get(BASE + "esearch.fcgi", body=(FIX / "esearch_over_cap.xml").read_bytes())
    responses.get(BASE + "esearch.fcgi", body=(FIX / "esearch_page1.xml").read_bytes())
    responses.get(BASE + "efetch.fcgi", body=(FIX / "efetch_batch.xml").read_bytes())
    summary = harvest(engine, SETTINGS, "car-t", client=_client(), full=True)
    assert summary.windows == 2  # 12,000 hits: two windows aimed at 80% of 9,999
    searches = [c.request.url for c in responses.calls if "esearch" in c.request.url]
    assert len(searches) == 3 and "mindate=1985%2F01%2F01" in searches[1]


@responses.activate
def test_replayed_esearch_error_and_html(engine):
    responses.get(BASE + "esearch.fcgi", body=(FIX / "esearch_error.xml").read_bytes())
    with pytest.raises(HarvestHTTPError, match="unbalanced parentheses"):  # retried like a 5xx, then reported
        harvest(engine, SETTINGS, "car-t (", client=_client(), full=True)
    responses.replace(responses.GET, BASE + "esearch.fcgi", body=b"<html>Service unavailable</html>")
    with pytest.raises(HarvestHTTPError, match="an HTML page instead of data"):
        harvest(engine, SETTINGS, "car-t", client=_client(), full=True)


@responses.activate
def test_replayed_esearch_without_count(engine):
    head = (FIX / "esearch_empty.xml").read_bytes().split(b"<eSearchResult>")[0]
    responses.get(BASE + "esearch.fcgi", body=head + b"<eSearchResult><IdList/></eSearchResult>\n")
    with pytest.raises(PubmedHarvestError, match="without a Count"):
        harvest(engine, SETTINGS, "car-t", client=_client(), full=True)
