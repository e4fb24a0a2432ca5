"""One polite HTTP client for every registry: rate limit, retries, clear errors.

Registries throttle and fail transiently (NCBI answers 429 past 3 requests/s,
ClinicalTrials.gov 429/503 under load). The limiter lives here, in the client,
not in callers, as in Bio.Entrez. Retries cover 429, 5xx, timeouts and
dropped connections, honour ``Retry-After`` and stop after a bounded number
of tries; anything else (400, 404) fails at once with the server's message.
A registry in trouble sometimes answers 200 with an error page (an HTML
maintenance page, NCBI's ``<ERROR>`` element): a caller's ``check`` names such
bodies, and they are retried exactly like a 5xx.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

import requests

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Secrets that end up in messages: query strings (requests puts the URL in ConnectionError)
# and NCBI's 429 body, which echoes the key as "api-key".
_SECRET_RE = re.compile(r"""(\b(?:api[-_]?key|access_token|token)["']?\s*[=:]\s*["']?)[^&\s'"]+""", re.I)
USER_AGENT = "cart-evidence/0.1 (+https://github.com/cart-evidence)"
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>])", re.I)

#: Says what is wrong with a 200 answer that is really a fault, or None when the body is usable.
BodyCheck = Callable[[requests.Response], Optional[str]]


class HarvestHTTPError(RuntimeError):
    """A request that failed for good; the message says why, with the server's words."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class RegistryUnreachable(HarvestHTTPError):
    """No connection could be made at all (no network, DNS failure, refused)."""


class RateLimiter:
    """At most ``rate`` calls per second, spaced evenly, shared across threads."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            self._sleep(delay)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class HttpClient:
    """``get``/``post`` with rate limiting and bounded retries on one ``requests.Session``."""

    rate: float
    max_tries: int = 5
    timeout: float = 30.0
    backoff: float = 1.0  # first back-off in seconds, doubled per try
    max_backoff: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.limiter = RateLimiter(self.rate)
        self.requests_sent = 0

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            check: BodyCheck | None = None) -> requests.Response:
        return self.request("GET", url, params=params, check=check)

    def post(self, url: str, data: Mapping[str, Any], check: BodyCheck | None = None) -> requests.Response:
        return self.request("POST", url, data=data, check=check)

    def request(self, method: str, url: str, check: BodyCheck | None = None, **kwargs: Any) -> requests.Response:
        """Send, retrying what is worth retrying; return a usable 2xx response or raise.

        ``check`` (default: an HTML page is not an answer) looks at a 2xx body;
        a fault it names is retried like a 5xx.
        """
        check = check or html_page
        last_error = ""
        for attempt in range(1, self.max_tries + 1):
            self.limiter.wait()
            self.requests_sent += 1
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.ConnectionError as exc:
                last_error = redact(f"connection failed: {exc.__class__.__name__}: {exc}")
                if attempt == self.max_tries:
                    raise RegistryUnreachable(f"{url} cannot be reached ({last_error})") from exc
                wait = self._backoff(attempt, None)
            except requests.Timeout:
                last_error = f"timed out after {self.timeout:g}s"
                wait = self._backoff(attempt, None)
            except requests.exceptions.ChunkedEncodingError as exc:  # reset in the middle of the body
                last_error = redact(f"connection broken mid-answer: {exc}")
                wait = self._backoff(attempt, None)
            else:
                fault = check(response) if response.ok else None
                if response.ok and fault is None:
                    return response
                if fault is not None:
                    last_error = f"HTTP {response.status_code} but {fault}"
                    wait = self._backoff(attempt, None)
                else:
                    last_error = f"HTTP {response.status_code}: {_excerpt(response)}"
                    if response.status_code not in RETRY_STATUSES:
                        raise HarvestHTTPError(f"{url} answered {last_error}", response.status_code)
                    wait = self._backoff(attempt, retry_after_seconds(response.headers.get("Retry-After")))
            if attempt < self.max_tries:
                log.warning("%s %s: %s; retry %d/%d in %.1fs", method, url, last_error, attempt,
                            self.max_tries - 1, wait)
                self.sleep(wait)
        raise HarvestHTTPError(f"{url} failed after {self.max_tries} tries ({last_error})")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        base = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        return base * (0.5 + random.random() / 2)


def html_page(response: requests.Response) -> str | None:
    """A 2xx answer that is a web page (a proxy's or a maintenance page), not the API's data."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "text/html" or _HTML_START.match(response.content[:512]):
        return f"an HTML page instead of data: {_excerpt(response, 120)}"
    return None


def redact(text: str) -> str:
    """``text`` with API keys and tokens masked, so errors and logs can be shown and stored."""
    return _SECRET_RE.sub(r"\1***", text)


def _excerpt(response: requests.Response, limit: int = 300) -> str:
    text = redact((response.text or "").strip().replace("\n", " "))
    return text[:limit] + ("…" if len(text) > limit else "") if text else response.reason or ""
