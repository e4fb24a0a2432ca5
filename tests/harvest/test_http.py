"""The shared HTTP client: rate limit, retries, Retry-After, clear errors."""

from __future__ import annotations

import pytest
import requests
import responses

from harvest.http_client import HarvestHTTPError, HttpClient, RateLimiter, RegistryUnreachable, retry_after_seconds

URL = "https://registry.example/api"


def _client(**kw):
    sleeps: list[float] = []
    client = HttpClient(rate=1000, sleep=sleeps.append, **kw)
    return client, sleeps


@responses.activate
def test_retries_429_honouring_retry_after_then_succeeds():
    responses.get(URL, status=429, headers={"Retry-After": "7"}, body="Too Many Requests")
    responses.get(URL, status=503, body="busy")
    responses.get(URL, status=200, body="ok")
    client, sleeps = _client(backoff=1.0)
    assert client.get(URL).text == "ok"
    assert client.requests_sent == 3
    assert sleeps[0] == 7.0 and 0.5 <= sleeps[1] <= 2.0


@responses.activate
def test_gives_up_after_max_tries_with_the_server_message():
    responses.get(URL, status=500, body="Internal error: database down")
    client, sleeps = _client(max_tries=3)
    with pytest.raises(HarvestHTTPError, match="after 3 tries.*HTTP 500: Internal error: database down"):
        client.get(URL)
    assert client.requests_sent == 3 and len(sleeps) == 2


@responses.activate
def test_400_is_not_retried_and_keeps_the_plain_text_message():
    responses.get(URL, status=400, body="Unknown parameter: query.bogus")
    client, _ = _client()
    with pytest.raises(HarvestHTTPError, match="HTTP 400: Unknown parameter: query.bogus") as err:
        client.get(URL)
    assert err.value.status == 400 and client.requests_sent == 1


@responses.activate
def test_timeout_is_retried():
    responses.get(URL, body=requests.Timeout("slow"))
    responses.get(URL, body="ok")
    client, sleeps = _client()
    assert client.get(URL).text == "ok" and len(sleeps) == 1


@responses.activate
def test_connection_refused_everywhere_is_unreachable():
    responses.get(URL, body=requests.ConnectionError("refused"))
    client, _ = _client(max_tries=2)
    with pytest.raises(RegistryUnreachable, match="cannot be reached"):
        client.get(URL)


def test_rate_limiter_spaces_calls():
    now = [0.0]
    slept: list[float] = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(3, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert slept == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_retry_after_formats():
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@responses.activate
def test_api_keys_are_masked_in_errors_and_logs(caplog):
    body = '{"error":"API rate limit exceeded","api-key":"SECRETKEY","count":"11","limit":"10"}'
    responses.get(URL, status=429, body=body)
    client, _ = _client(max_tries=2)
    with pytest.raises(HarvestHTTPError) as err:
        client.get(URL, params={"api_key": "SECRETKEY"})
    assert "SECRETKEY" not in str(err.value) and '"api-key":"***"' in str(err.value)
    responses.replace(responses.GET, URL, body=requests.ConnectionError(
        "Max retries exceeded with url: /api?db=pubmed&api_key=SECRETKEY&tool=t"))
    with pytest.raises(RegistryUnreachable) as err:
        client.get(URL, params={"api_key": "SECRETKEY"})
    assert "SECRETKEY" not in str(err.value) and "api_key=***&tool=t" in str(err.value)
    assert "SECRETKEY" not in caplog.text


@responses.activate
def test_connection_broken_mid_answer_is_retried_then_reported():
    responses.get(URL, body=requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead"))
    responses.get(URL, body="ok")
    client, sleeps = _client()
    assert client.get(URL).text == "ok" and len(sleeps) == 1
    responses.replace(responses.GET, URL, body=requests.exceptions.ChunkedEncodingError("IncompleteRead"))
    with pytest.raises(HarvestHTTPError, match="after 2 tries.*connection broken mid-answer"):
        _client(max_tries=2)[0].get(URL)


@responses.activate
def test_an_html_page_served_with_200_is_retried_like_a_5xx():
    responses.get(URL, status=200, body="<!DOCTYPE html><html><body>Down for maintenance</body></html>",
                  content_type="text/html")
    responses.get(URL, status=200, body='{"studies": []}', content_type="application/json")
    client, sleeps = _client(backoff=1.0)
    assert client.get(URL).json() == {"studies": []}
    assert client.requests_sent == 2 and len(sleeps) == 1


@responses.activate
def test_a_body_the_caller_names_a_fault_is_retried_then_reported():
    responses.get(URL, status=200, body="<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>")
    client, sleeps = _client(max_tries=3)
    with pytest.raises(HarvestHTTPError, match="after 3 tries.*HTTP 200 but NCBI said: Unable"):
        client.get(URL, check=lambda r: "NCBI said: Unable" if b"<ERROR>" in r.content else None)
    assert client.requests_sent == 3 and len(sleeps) == 2
