"""External link checker against a local HTTP server (only 127.0.0.1 is ever contacted)."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lint.checks.links.external import ExternalChecker, LinkResult, _retry_after

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class State:
    """What the handler saw; reset before every test."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()
        self.agents: list[str] = []
        self.release = threading.Event()  # set at teardown so /slow stops sleeping

    def reset(self):
        with self.lock:
            self.counts.clear()
            self.agents.clear()

    def hit(self, method: str, path: str, agent: str) -> int:
        """Record a request; return how many earlier requests (any method) hit `path`."""
        with self.lock:
            earlier = sum(n for (_, p), n in self.counts.items() if p == path)
            self.counts[method, path] += 1
            self.agents.append(agent)
            return earlier

    def count(self, path: str, method: str | None = None) -> int:
        with self.lock:
            return sum(n for (m, p), n in self.counts.items() if p == path and method in (None, m))

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_HEAD(self):
        self.route("HEAD")

    def do_GET(self):
        self.route("GET")

    def route(self, method: str):
        path = self.path.split("?")[0]
        earlier = STATE.hit(method, path, self.headers.get("User-Agent", ""))
        if path == "/ok":
            self.reply(200)
        elif path == "/missing":
            self.reply(404)
        elif path == "/flaky":
            self.reply(503 if earlier == 0 else 200)
        elif path == "/unavailable":
            self.reply(503)
        elif path == "/limited":
            self.reply(429, {"Retry-After": "0"}) if earlier == 0 else self.reply(200)
        elif path == "/head-not-allowed":
            self.reply(405 if method == "HEAD" else 200)
        elif path == "/head-broken":
            if method == "HEAD":
                self.close_connection = True  # hang up without a status line
                return
            self.reply(200)
        elif path == "/slow":
            STATE.release.wait(2)
            self.reply(200)
        elif path == "/redirect-ok":
            self.reply(302, {"Location": "/ok"})
        elif path == "/redirect-missing":
            self.reply(302, {"Location": "/missing"})
        elif path == "/redirect-file":
            self.reply(302, {"Location": "file:///etc/passwd"})
        elif path == "/redirect-ftp":
            self.reply(301, {"Location": "ftp://127.0.0.1/x"})
        elif path == "/loop":
            self.reply(302, {"Location": "/loop"})
        else:
            self.reply(404)

    def reply(self, status: int, headers: dict[str, str] | None = None):
        body = b"hello\n" * 10
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that timed out hang up before /slow answers


@pytest.fixture(scope="module")
def base():
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        STATE.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    STATE.reset()


def checker(**kwargs) -> ExternalChecker:
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", 5.0)
    return ExternalChecker(**kwargs)


def check_one(url: str, **kwargs) -> LinkResult:
    return checker(**kwargs).check([url])[url]


# --- statuses ---------------------------------------------------------------------------


def test_ok(base):
    assert check_one(f"{base}/ok") == LinkResult(f"{base}/ok", True, 200, "HTTP 200")
    assert STATE.count("/ok", "HEAD") == 1
    assert STATE.count("/ok", "GET") == 0


def test_missing(base):
    assert check_one(f"{base}/missing") == LinkResult(f"{base}/missing", False, 404, "HTTP 404")
    assert STATE.count("/missing") == 1  # 4xx is not retried


def test_flaky_503_is_retried(base):
    assert check_one(f"{base}/flaky") == LinkResult(f"{base}/flaky", True, 200, "HTTP 200")
    assert STATE.count("/flaky", "HEAD") == 2


def test_retries_are_bounded(base):
    url = f"{base}/unavailable"
    assert check_one(url, retries=2) == LinkResult(url, False, 503, "HTTP 503")
    assert STATE.count("/unavailable") == 3


def test_no_retries(base):
    url = f"{base}/flaky"
    assert check_one(url, retries=0) == LinkResult(url, False, 503, "HTTP 503")
    assert STATE.count("/flaky") == 1


def test_429_honours_retry_after(base):
    url = f"{base}/limited"
    start = time.monotonic()
    # A huge backoff proves the numeric Retry-After (0) is used instead.
    assert check_one(url, backoff=30) == LinkResult(url, True, 200, "HTTP 200")
    assert time.monotonic() - start < 2
    assert STATE.count("/limited") == 2


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", 0.0),
        ("2", 2.0),
        ("1.5", 1.5),
        ("3600", 10.0),
        ("-4", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_parsing(value, expected):
    headers = {} if value is None else {"Retry-After": value}
    assert _retry_after(headers) == expected


def test_head_not_allowed_falls_back_to_get(base):
    url = f"{base}/head-not-allowed"
    assert check_one(url) == LinkResult(url, True, 200, "HTTP 200")
    assert STATE.count("/head-not-allowed", "HEAD") == 1
    assert STATE.count("/head-not-allowed", "GET") == 1


def test_head_protocol_error_falls_back_to_get(base):
    url = f"{base}/head-broken"
    assert check_one(url, retries=0) == LinkResult(url, True, 200, "HTTP 200")
    assert STATE.count("/head-broken", "GET") == 1


def test_slow_times_out(base):
    url = f"{base}/slow"
    start = time.monotonic()
    assert check_one(url, timeout=0.3, retries=0) == LinkResult(url, False, None, "timed out after 0.3s")
    assert time.monotonic() - start < 1.5
    assert STATE.count("/slow") == 1


def test_timeout_is_retried(base):
    url = f"{base}/slow"
    assert check_one(url, timeout=0.2, retries=1).detail == "timed out after 0.2s"
    assert STATE.count("/slow", "HEAD") == 2


def test_connection_refused():
    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x"
    assert check_one(url) == LinkResult(url, False, None, "connection refused")


def test_missing_host_is_invalid():
    assert check_one("http:///path") == LinkResult("http:///path", False, None, "invalid URL: no host")


def test_user_agent_is_sent(base):
    checker(user_agent="hrlint-test/1").check([f"{base}/ok"])
    assert STATE.agents == ["hrlint-test/1"]


# --- redirects ------------------------------------------------------------------------


def test_redirect_followed_keeps_head(base):
    url = f"{base}/redirect-ok"
    assert check_one(url) == LinkResult(url, True, 200, "HTTP 200")
    assert STATE.count("/ok", "HEAD") == 1
    assert STATE.count("/ok", "GET") == 0


def test_redirect_to_missing_reports_final_status(base):
    url = f"{base}/redirect-missing"
    assert check_one(url) == LinkResult(url, False, 404, "HTTP 404")


@pytest.mark.parametrize("path, code", [("/redirect-file", 302), ("/redirect-ftp", 301)])
def test_redirect_to_other_scheme_is_refused(base, path, code):
    url = f"{base}{path}"
    assert check_one(url) == LinkResult(url, False, code, "redirect to unsupported scheme")
    assert STATE.count(path) == 1
    assert STATE.total() == 1


def test_redirect_loop(base):
    url = f"{base}/loop"
    assert check_one(url) == LinkResult(url, False, 302, "too many redirects")


# --- what gets checked ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, scheme",
    [
        ("file:///etc/passwd", "file"),
        ("mailto:x@y", "mailto"),
        ("ftp://127.0.0.1/pub/file.txt", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/plain,hi", "data"),
        ("../other/page.md", "relative"),
        ("//127.0.0.1/x", "relative"),
    ],
)
def test_other_schemes_are_skipped(base, url, scheme):
    assert check_one(url) == LinkResult(url, None, None, f"skipped: scheme {scheme}")
    assert STATE.total() == 0


def test_allow_list(base):
    ok, missing = f"{base}/ok", f"{base}/missing"
    results = checker(allow=[r"/ok$"]).check([ok, missing])
    assert results[ok] == LinkResult(ok, True, 200, "HTTP 200")
    assert results[missing] == LinkResult(missing, None, None, "skipped: not in allow list")
    assert STATE.count("/missing") == 0


def test_deny_list_wins_over_allow(base):
    ok, missing = f"{base}/ok", f"{base}/missing"
    results = checker(allow=["127"], deny=[r"miss"]).check([ok, missing])
    assert results[ok].ok is True
    assert results[missing] == LinkResult(missing, None, None, "skipped: denied by config")
    assert STATE.count("/missing") == 0


def test_single_string_pattern(base):
    missing = f"{base}/missing"
    assert check_one(missing, deny="missing").detail == "skipped: denied by config"


@pytest.mark.parametrize("kind", ["allow", "deny"])
def test_invalid_regex_raises(kind):
    with pytest.raises(ValueError, match=r"invalid %s pattern '\(unclosed'" % kind):
        ExternalChecker(**{kind: ["fine", "(unclosed"]})


def test_duplicates_checked_once(base):
    ok = f"{base}/ok"
    urls = [ok, f"{base}/missing", ok, f"{ok}#section", ok]
    results = checker().check(urls)
    assert list(results) == [ok, f"{base}/missing", f"{ok}#section"]
    assert results[f"{ok}#section"] == LinkResult(f"{ok}#section", True, 200, "HTTP 200")
    assert STATE.count("/ok") == 1


def test_every_url_gets_a_result(base):
    urls = [f"{base}/ok", "mailto:a@b", f"{base}/missing", "http:///x", f"{base}/redirect-file"]
    results = checker(workers=2).check(urls)
    assert list(results) == urls
    assert all(isinstance(r, LinkResult) and r.url == u for u, r in results.items())


def test_empty_input():
    assert checker().check([]) == {}


def test_run_timeout_skips_unfinished(base):
    ok, slow = f"{base}/ok", f"{base}/slow"
    start = time.monotonic()
    results = checker(run_timeout=0.5, workers=2).check([slow, ok])
    assert time.monotonic() - start < 1.5
    assert results[ok] == LinkResult(ok, True, 200, "HTTP 200")
    assert results[slow] == LinkResult(slow, None, None, "skipped: run time limit")


# --- cache ------------------------------------------------------------------------------


def read_cache(path) -> dict:
    data = json.loads(path.read_text())
    assert data["version"] == 1
    return data["results"]


def test_success_is_cached(base, tmp_path):
    cache, ok = tmp_path / "links.json", f"{base}/ok"
    before = time.time()
    assert checker(cache_file=cache).check([ok])[ok].detail == "HTTP 200"
    entry = read_cache(cache)[ok]
    assert entry["status"] == 200 and before <= entry["checked"] <= time.time()

    STATE.reset()
    assert checker(cache_file=cache).check([ok])[ok] == LinkResult(ok, True, 200, "cached")
    assert STATE.total() == 0
    assert sorted(os.listdir(tmp_path)) == ["links.json"]  # no temp files left behind


def test_cache_folder_is_created(base, tmp_path):
    cache = tmp_path / "sub" / "dir" / "links.json"
    checker(cache_file=cache).check([f"{base}/ok"])
    assert list(read_cache(cache)) == [f"{base}/ok"]


def test_failure_is_not_cached(base, tmp_path):
    cache, missing = tmp_path / "links.json", f"{base}/missing"
    for _ in range(2):
        assert checker(cache_file=cache).check([missing])[missing].ok is False
    assert STATE.count("/missing") == 2
    assert not cache.exists() or missing not in read_cache(cache)


def test_skipped_urls_are_not_cached(base, tmp_path):
    cache = tmp_path / "links.json"
    checker(cache_file=cache, deny=["ok"]).check([f"{base}/ok", "mailto:a@b"])
    assert not cache.exists() or read_cache(cache) == {}


def write_cache(path, entries: dict) -> None:
    path.write_text(json.dumps({"version": 1, "results": entries}))


def test_expired_entry_is_rechecked(base, tmp_path):
    cache, ok = tmp_path / "links.json", f"{base}/ok"
    write_cache(cache, {ok: {"status": 200, "checked": time.time() - 7200}})
    assert checker(cache_file=cache, max_age=3600).check([ok])[ok].detail == "HTTP 200"
    assert STATE.count("/ok") == 1
    assert read_cache(cache)[ok]["checked"] > time.time() - 60


def test_max_age_zero_always_rechecks(base, tmp_path):
    cache, ok = tmp_path / "links.json", f"{base}/ok"
    for _ in range(2):
        assert checker(cache_file=cache, max_age=0).check([ok])[ok].detail == "HTTP 200"
    assert STATE.count("/ok") == 2


def test_cached_url_that_now_fails_is_removed(base, tmp_path):
    cache, ok, missing = tmp_path / "links.json", f"{base}/ok", f"{base}/missing"
    write_cache(
        cache, {missing: {"status": 200, "checked": time.time() - 7200}, ok: {"status": 200, "checked": time.time()}}
    )
    results = checker(cache_file=cache, max_age=3600).check([missing, ok])
    assert results[missing] == LinkResult(missing, False, 404, "HTTP 404")
    assert results[ok].detail == "cached"
    assert list(read_cache(cache)) == [ok]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "",
        "[1, 2]",
        '{"version": 2, "results": {}}',
        '{"version": 1, "results": []}',
        '{"version": 1, "results": {"http://x/": {"status": "200", "checked": 1}}}',
    ],
)
def test_corrupt_cache_is_ignored_and_replaced(base, tmp_path, content):
    cache, ok = tmp_path / "links.json", f"{base}/ok"
    cache.write_text(content)
    assert checker(cache_file=cache).check([ok])[ok] == LinkResult(ok, True, 200, "HTTP 200")
    assert list(read_cache(cache)) == [ok]


def test_unreadable_cache_is_ignored(base, tmp_path):
    cache, ok = tmp_path / "links.json", f"{base}/ok"
    cache.write_bytes(b"\xff\xfe\x00garbage")
    assert checker(cache_file=cache).check([ok])[ok].detail == "HTTP 200"
    assert list(read_cache(cache)) == [ok]
