"""Check external http(s) links: bounded concurrency, retries, and a success-only cache.

`ExternalChecker.check(urls)` returns a `LinkResult` for every input URL and never raises
for network problems. Only `http` and `https` URLs are requested, and redirects to any
other scheme are refused.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urldefrag, urljoin, urlsplit

from lint.model import jsonio

log = logging.getLogger(__name__)

CACHE_VERSION = 1
WEB_SCHEMES = frozenset({"http", "https"})
GET_FALLBACK_STATUSES = frozenset({405, 501})
RETRY_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 10.0
MAX_BODY_BYTES = 64 * 1024
MAX_URL_LENGTH = 4096  # longer URLs are not requested (and allow/deny patterns never see them)
# Characters left alone when turning an IRI into an ASCII URL (`%` keeps existing escapes).
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


@dataclass(frozen=True)
class LinkResult:
    """Outcome for one URL; `ok` is None when the URL was not checked."""

    url: str
    ok: bool | None
    status: int | None
    detail: str


@dataclass(frozen=True)
class _Attempt:
    """One request round (HEAD, maybe GET): the result plus whether to try again."""

    ok: bool
    status: int | None
    detail: str
    retry: bool = False
    retry_after: float | None = None


class _RedirectError(urllib.error.URLError):
    """A redirect we refuse to follow; `code` is the redirect status."""

    def __init__(self, reason: str, code: int):
        super().__init__(reason)
        self.code = code


class _SafeRedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only, keep HEAD as HEAD, and name redirect loops."""

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("location") or headers.get("uri")
        if location and _scheme(urljoin(req.full_url, location.strip())) not in WEB_SCHEMES:
            fp.close()
            raise _RedirectError("redirect to unsupported scheme", code)
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except urllib.error.HTTPError as exc:
            if str(exc.msg).startswith(self.inf_msg):
                exc.close()
                raise _RedirectError("too many redirects", code) from None
            raise

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"
        return new


def _build_opener() -> urllib.request.OpenerDirector:
    """An opener that speaks http(s) only: no file:, ftp: or data: handlers."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        _SafeRedirectHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def _request_key(url: str) -> str:
    """The URL actually requested: without its #fragment."""
    return urldefrag(url.strip()).url


def _ascii_url(url: str) -> str:
    """Percent-encode spaces and non-ASCII characters; keep existing escapes."""
    parts = urlsplit(url)
    host = parts.netloc if parts.netloc.isascii() else parts.netloc.encode("idna").decode()
    rest = quote(url[len(f"{parts.scheme}://{parts.netloc}") :], safe=_URL_SAFE)
    return f"{parts.scheme}://{host}{rest}"


def _compile(patterns: Sequence[str], kind: str) -> tuple[re.Pattern[str], ...]:
    """Compile allow/deny regexes (a lone string counts as one pattern)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"invalid {kind} pattern {pattern!r}: {exc}") from None
        from lint.workspace.config import regex_problem

        problem = regex_problem(pattern)
        if problem:
            raise ValueError(f"{kind} pattern {pattern!r} refused: {problem}")
    return tuple(compiled)


def _retry_after(headers: Message | None) -> float | None:
    """A numeric Retry-After header in seconds, capped at MAX_RETRY_AFTER."""
    value = headers.get("Retry-After") if headers is not None else None
    try:
        seconds = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _status_attempt(status: int, headers: Message | None) -> _Attempt:
    retry = status in RETRY_STATUSES
    return _Attempt(200 <= status < 400, status, f"HTTP {status}", retry, _retry_after(headers) if retry else None)


def _error_attempt(exc: BaseException, timeout: float) -> _Attempt:
    """Map a network exception to a short, human failure."""
    if isinstance(exc, _RedirectError):
        return _Attempt(False, exc.code, str(exc.reason))
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, TimeoutError):
        return _Attempt(False, None, f"timed out after {timeout:g}s", retry=True)
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError)):
        return _Attempt(False, None, "connection reset", retry=True)
    if isinstance(exc, ConnectionRefusedError):
        return _Attempt(False, None, "connection refused")
    if isinstance(exc, socket.gaierror):
        return _Attempt(False, None, "host not found")
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, "verify_message", None) or exc.reason or exc
        return _Attempt(False, None, f"TLS error: {reason}")
    if isinstance(exc, (http.client.InvalidURL, ValueError)):
        return _Attempt(False, None, "invalid URL")
    if isinstance(exc, http.client.HTTPException):
        return _Attempt(False, None, f"protocol error: {type(exc).__name__}")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return _Attempt(False, None, f"network error: {reason}")


class _Cache:
    """Successful checks on disk: {"version": 1, "results": {url: {"status", "checked"}}}."""

    def __init__(self, path: Path | None, max_age: float):
        self.path = path
        self.max_age = max_age
        self.entries: dict[str, dict] = {}
        self.dirty = False

    def load(self) -> None:
        """Read the cache file; a missing, corrupt or foreign file counts as empty."""
        if self.path is None:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            self.dirty = True
            return
        results = data.get("results") if isinstance(data, dict) else None
        if not (isinstance(results, dict) and data.get("version") == CACHE_VERSION):
            self.dirty = True
            return
        self.entries = {url: entry for url, entry in results.items() if _valid_entry(entry)}
        self.dirty = len(self.entries) != len(results)

    def get(self, url: str, now: float) -> LinkResult | None:
        entry = self.entries.get(url)
        if entry is None or not 0 <= now - entry["checked"] < self.max_age:
            return None
        return LinkResult(url, True, entry["status"], "cached")

    def record(self, result: LinkResult, now: float) -> None:
        """Store a success, forget a failure, leave skipped URLs alone."""
        if result.ok:
            self.entries[result.url] = {"status": result.status, "checked": now}
            self.dirty = True
        elif result.ok is False and self.entries.pop(result.url, None) is not None:
            self.dirty = True

    def save(self, now: float) -> None:
        """Atomically rewrite the file (dropping expired entries) when anything changed."""
        if self.path is None or not self.dirty:
            return
        fresh = {url: e for url, e in self.entries.items() if now - e["checked"] < self.max_age}
        try:
            jsonio.write_atomic(self.path, {"version": CACHE_VERSION, "results": fresh})
        except OSError as exc:
            log.warning("could not write link cache %s: %s", self.path, exc)


def _valid_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and type(entry.get("status")) is int
        and isinstance(entry.get("checked"), (int, float))
        and not isinstance(entry.get("checked"), bool)
    )


class ExternalChecker:
    """Check external http(s) links concurrently, with retries and an optional cache."""

    def __init__(
        self,
        cache_file: Path | None = None,
        *,
        timeout: float = 10.0,
        workers: int = 8,
        retries: int = 2,
        backoff: float = 0.5,
        max_age: float = 86400.0,
        allow: Sequence[str] = (),
        deny: Sequence[str] = (),
        run_timeout: float = 300.0,
        user_agent: str = "hrlint (+link check)",
    ):
        if timeout <= 0 or run_timeout <= 0:
            raise ValueError("timeout and run_timeout must be positive")
        if workers < 1 or retries < 0 or backoff < 0:
            raise ValueError("workers must be >= 1; retries and backoff must be >= 0")
        self.cache_file = Path(cache_file) if cache_file is not None else None
        self.timeout = timeout
        self.workers = workers
        self.retries = retries
        self.backoff = backoff
        self.max_age = max_age
        self.run_timeout = run_timeout
        self.allow = _compile(allow, "allow")
        self.deny = _compile(deny, "deny")
        self.headers = {"User-Agent": user_agent, "Accept": "*/*"}
        self._opener = _build_opener()

    def check(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """Check each distinct URL once (bounded concurrency); results for every input URL."""
        inputs = list(dict.fromkeys(urls))
        results: dict[str, LinkResult] = {}
        by_key: dict[str, list[str]] = {}
        for url in inputs:
            reason = self.skip_reason(url)
            if reason:
                results[url] = LinkResult(url, None, None, reason)
            else:
                by_key.setdefault(_request_key(url), []).append(url)

        cache = _Cache(self.cache_file, self.max_age)
        cache.load()
        now = time.time()
        hits = {key: cache.get(key, now) for key in by_key}
        fetched = self._check_all([key for key, hit in hits.items() if hit is None])

        now = time.time()
        for key, hit in hits.items():
            result = hit or fetched[key]
            if hit is None:
                cache.record(result, now)
            for url in by_key[key]:
                results[url] = replace(result, url=url)
        cache.save(now)
        return {url: results[url] for url in inputs}

    def skip_reason(self, url: str) -> str | None:
        """Why `url` is not requested (scheme, deny or allow list), or None to check it."""
        scheme = _scheme(url.strip())
        if scheme not in WEB_SCHEMES:
            return f"skipped: scheme {scheme or 'relative'}"
        if len(url) > MAX_URL_LENGTH:
            return f"skipped: URL longer than {MAX_URL_LENGTH} characters"
        if any(p.search(url) for p in self.deny):
            return "skipped: denied by config"
        if self.allow and not any(p.search(url) for p in self.allow):
            return "skipped: not in allow list"
        return None

    def _check_all(self, keys: list[str]) -> dict[str, LinkResult]:
        """Check `keys` in a thread pool; whatever misses the run deadline is skipped."""
        if not keys:
            return {}
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=min(self.workers, len(keys)), thread_name_prefix="hrlint-link")
        futures = {pool.submit(self._check_one, key, stop): key for key in keys}
        done, _ = wait(futures, timeout=self.run_timeout)
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        return {
            key: future.result() if future in done else LinkResult(key, None, None, "skipped: run time limit")
            for future, key in futures.items()
        }

    def _check_one(self, url: str, stop: threading.Event) -> LinkResult:
        """Probe `url`, retrying transient failures with exponential backoff."""
        try:
            attempt = _Attempt(False, None, "not checked")
            for n in range(self.retries + 1):
                attempt = self._probe(url)
                if not attempt.retry or n == self.retries:
                    break
                delay = attempt.retry_after
                if stop.wait(self.backoff * 2**n if delay is None else delay):
                    break
            return LinkResult(url, attempt.ok, attempt.status, attempt.detail)
        except Exception as exc:  # a bug must not sink the whole run
            log.debug("link check of %s failed", url, exc_info=True)
            return LinkResult(url, False, None, f"error: {type(exc).__name__}: {exc}")

    def _probe(self, url: str) -> _Attempt:
        """HEAD, falling back to GET on 405/501 or a HEAD protocol error."""
        try:
            if not urlsplit(url).hostname:
                return _Attempt(False, None, "invalid URL: no host")
            target = _ascii_url(url)
            try:
                status, headers = self._fetch(target, "HEAD")
            except http.client.HTTPException:
                status, headers = None, None
            if status is None or status in GET_FALLBACK_STATUSES:
                status, headers = self._fetch(target, "GET")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            return _error_attempt(exc, self.timeout)
        return _status_attempt(status, headers)

    def _fetch(self, url: str, method: str) -> tuple[int, Message | None]:
        """One request (redirects followed): the final status and headers."""
        request = urllib.request.Request(url, method=method, headers=self.headers)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                if method == "GET":
                    _read_some(response)
                return response.status, response.headers
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code, exc.headers


def _read_some(response) -> None:
    """Read at most MAX_BODY_BYTES; the status is already known, so errors don't matter."""
    try:
        response.read(MAX_BODY_BYTES)
    except (OSError, http.client.HTTPException):
        pass
