"""HTTP for `nianbao fetch`: one `Fetcher` that is polite to the sites it reads and says plainly why a URL failed.

- Timeouts: `FetchSettings.timeout` to connect and between two reads of the response.
- Retries: a connection error, a timeout, a 5xx or a 429 is tried again up to `retries` times, after
  ``backoff * 2**attempt`` seconds, or after the server's ``Retry-After`` (seconds or an HTTP date), never
  longer than `max_wait`. Other 4xx are final at once.
- Politeness: requests to one host start at least `interval` seconds apart (longer when robots.txt asks for
  a ``Crawl-delay``); at most `concurrency` requests run at once, whatever the number of threads calling.
- robots.txt: read once per origin (`urllib.robotparser` semantics: 401/403 forbid the whole site, any other
  failure to read it allows it) and checked for the URL and every redirect target, under our user agent.
- Size: a response larger than `max_bytes` is abandoned while it streams (Content-Length checked first).
- Duration: a response still streaming `deadline` seconds after its request started is abandoned (a server that
  trickles a byte just inside every `timeout` would otherwise hold a thread for ever); not retried.
- Redirects: followed by hand (at most `MAX_REDIRECTS`), each hop paced and checked against robots.txt; the
  final URL is kept.
- Public only (`public_only`, the web app's fetches): a host resolving to a private, loopback or link-local
  address is refused before each hop, and again by the connection itself (`_PublicOnly`): it connects to the
  address it checked, so a name that answers a public address first and an internal one next (DNS rebinding)
  still cannot reach the server's own network.

A failure is a `FetchError` whose `reason` is one Chinese phrase, ready for failures.jsonl and the terminal.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

__all__ = [
    "MAX_REDIRECTS",
    "MB",
    "FetchError",
    "FetchSettings",
    "Fetched",
    "Fetcher",
    "HostPacer",
    "retry_after",
    "user_agent",
]

MB = 1 << 20
MAX_REDIRECTS = 10
ROBOTS_MAX_BYTES = 512 * 1024  # what Google reads of a robots.txt
PROJECT_URL = "https://pypi.org/project/nianbao/"
_STATUS_WORDS = {
    400: "请求无效",
    401: "需要登录",
    403: "禁止访问",
    404: "页面不存在",
    410: "页面已删除",
    429: "请求过于频繁",
    500: "服务器内部错误",
    502: "网关错误",
    503: "服务暂不可用",
    504: "网关超时",
}


def user_agent() -> str:
    """``nianbao/<version> (+https://pypi.org/project/nianbao/)``: who we are and where to read about us."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("nianbao")
    except PackageNotFoundError:
        found = "0+unknown"
    return f"nianbao/{found} (+{PROJECT_URL})"


@dataclass(frozen=True)
class FetchSettings:
    """The limits of a fetch run (the command's options)."""

    timeout: float = 20.0  # seconds to connect, and between two reads of a response
    retries: int = 2  # further tries after a connection error, a timeout, a 5xx or a 429
    backoff: float = 1.0  # seconds before the first retry; doubled for each further one
    max_wait: float = 60.0  # the longest wait before a retry (Retry-After included) or between requests to a host
    interval: float = 1.0  # seconds between the starts of two requests to one host
    concurrency: int = 4  # requests at once, over all hosts
    max_bytes: int = 50 * MB  # the largest response body kept
    deadline: float = 600.0  # seconds one response may take, from its request to its last byte
    user_agent: str = field(default_factory=user_agent)
    public_only: bool = False  # refuse hosts that resolve to a private, loopback or link-local address (a server's)


@dataclass(frozen=True)
class Fetched:
    """A response as served: the URL asked for, the URL it ended at, status, headers and body."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined by ", "
    body: bytes
    fetched_at: str  # ISO 8601, UTC, seconds: 2025-03-01T08:00:00Z

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case (``text/html``), or ``""``."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class FetchError(Exception):
    """A URL that could not be fetched: `reason` is one Chinese phrase; `status` the HTTP status when there was
    one."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}：{reason}")
        self.url = url
        self.reason = reason
        self.status = status


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date), None when absent or not
    understood."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class HostPacer:
    """Requests to one host at least an interval apart: each caller reserves the host's next free moment, then
    sleeps until it (thread-safe; callers to other hosts are not held up)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _status_reason(status: int) -> str:
    word = _STATUS_WORDS.get(status)
    return f"服务器返回 {status}" + (f"（{word}）" if word else "")


def _transport_reason(exc: httpx.TransportError, timeout: float) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"连接服务器超时（{timeout:g} 秒）"
    if isinstance(exc, httpx.TimeoutException):
        return f"服务器响应超时（{timeout:g} 秒内没有数据）"
    if isinstance(exc, httpx.ConnectError):
        return f"无法连接服务器（{exc}）" if str(exc) else "无法连接服务器"
    return f"网络错误（{type(exc).__name__}: {exc}）" if str(exc) else f"网络错误（{type(exc).__name__}）"


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


#: Said of a host on the server's own network (the reason of a `FetchError`, and the marker of a refused connection).
INTERNAL = "不抓取本机或内部网络的地址"


def _internal_addresses(host: str) -> tuple[list[str], list[str]]:
    """The addresses `host` resolves to, public ones and the others (OSError / UnicodeError when it resolves to
    none)."""
    public: list[str] = []
    internal: list[str] = []
    for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
        address = str(info[4][0])
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        (public if ip.is_global else internal).append(address)
    return public, internal


class _PublicOnly(httpcore.SyncBackend):
    """Opens connections to public addresses only: the host is resolved here, every address it resolves to must
    be public, and the connection goes to the first of them, the address checked (TLS still verifies the name)."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            public, internal = _internal_addresses(host)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(str(exc)) from None
        if internal or not public:
            raise httpcore.ConnectError(f"{INTERNAL}（{host}）")
        return super().connect_tcp(public[0], port, timeout, local_address, socket_options)


class Fetcher:
    """Fetches URLs within `FetchSettings` (see the module docstring); safe to call from several threads.
    Use as a context manager, or call `close`."""

    def __init__(self, settings: FetchSettings | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings or FetchSettings()
        s = self.settings
        limits = httpx.Limits(max_connections=max(1, s.concurrency), max_keepalive_connections=max(1, s.concurrency))
        if transport is None and s.public_only:
            transport = httpx.HTTPTransport(limits=limits)
            transport._pool._network_backend = _PublicOnly()  # httpx takes no backend (encode/httpx#3180)
        self._client = httpx.Client(
            timeout=httpx.Timeout(s.timeout),
            follow_redirects=False,
            headers={"User-Agent": s.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            limits=limits,
            transport=transport,
        )
        self._slots = threading.BoundedSemaphore(max(1, s.concurrency))
        self._pacer = HostPacer()
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._host_intervals: dict[str, float] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str) -> Fetched:
        """The response to GET `url` after redirects, or FetchError (robots.txt, status ≥ 400 after retries,
        network, size)."""
        return self._follow(url, max_bytes=self.settings.max_bytes, robots=True)

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets our user agent fetch `url`."""
        return self._robots_for(_origin(url)).can_fetch(self.settings.user_agent, url)

    def _follow(self, url: str, *, max_bytes: int, robots: bool) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if self.settings.public_only:
                _require_public(url, current)
            if robots and not self.allowed(current):
                raise FetchError(
                    url, "网站的 robots.txt 不允许抓取此网址" + ("" if current == url else f"（{current}）")
                )
            status, headers, body = self._request(url, current, max_bytes)
            location = headers.get("location")
            if status in (301, 302, 303, 307, 308) and location:
                target = urljoin(current, location.strip())
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise FetchError(url, f"重定向到不支持的地址（{target}）", status)
                current = target
                continue
            if status >= 400:
                raise FetchError(url, _status_reason(status), status)
            return Fetched(url, current, status, headers, body, _now())
        raise FetchError(url, f"重定向次数过多（超过 {MAX_REDIRECTS} 次）")

    def _request(self, url: str, current: str, max_bytes: int) -> tuple[int, dict[str, str], bytes]:
        """One GET of `current` with retries: status, headers and body (no body for redirects and errors)."""
        s = self.settings
        host = _host(current)
        for attempt in range(s.retries + 1):
            self._pacer.wait(host, self._host_intervals.get(host, s.interval))
            try:
                with self._slots:
                    status, headers, body = self._once(current, max_bytes)
            except _TooLarge:
                raise FetchError(url, f"文件超过大小上限（{max_bytes / MB:g} MB）") from None
            except _TooSlow:
                raise FetchError(url, f"下载时间超过上限（{s.deadline:g} 秒内没有下载完）") from None
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(url, f"不支持的网址（{exc}）") from None
            except httpx.TransportError as exc:
                if INTERNAL in str(exc):
                    raise FetchError(url, str(exc)) from None
                if attempt == s.retries:
                    raise FetchError(url, _retried(_transport_reason(exc, s.timeout), s.retries)) from None
                time.sleep(min(s.backoff * 2**attempt, s.max_wait))
                continue
            except (httpx.InvalidURL, ValueError) as exc:
                raise FetchError(url, f"网址无效（{exc}）") from None
            except httpx.HTTPError as exc:  # e.g. a body that does not decompress
                raise FetchError(url, f"网络错误（{type(exc).__name__}: {exc}）") from None
            if status == 429 or status >= 500:
                if attempt == s.retries:
                    raise FetchError(url, _retried(_status_reason(status), s.retries), status)
                wait = retry_after(headers.get("retry-after"))
                time.sleep(min(s.backoff * 2**attempt if wait is None else wait, s.max_wait))
                continue
            return status, headers, body
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str, max_bytes: int) -> tuple[int, dict[str, str], bytes]:
        ends = time.monotonic() + self.settings.deadline
        with self._client.stream("GET", url) as response:
            headers = dict(response.headers.items())
            status = response.status_code
            if status >= 300:  # a redirect or an error: its body is not kept
                return status, headers, b""
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _TooLarge
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _TooLarge
                if time.monotonic() > ends:
                    raise _TooSlow
                chunks.append(chunk)
            return status, headers, b"".join(chunks)

    def _robots_for(self, origin: str) -> urllib.robotparser.RobotFileParser:
        with self._lock:
            parser = self._robots.get(origin)
            if parser is not None:
                return parser
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one thread reads the site's robots.txt, the others wait for it
            with self._lock:
                parser = self._robots.get(origin)
            if parser is None:
                parser = self._read_robots(origin)
                with self._lock:
                    self._robots[origin] = parser
            return parser

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            got = self._follow(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, robots=False)
        except FetchError as exc:
            if exc.status in (401, 403):
                parser.disallow_all = True  # type: ignore[attr-defined]  # not in typeshed
            else:
                parser.allow_all = True  # type: ignore[attr-defined]
            return parser
        parser.parse(got.body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay is not None and float(delay) > self.settings.interval:
            with self._lock:
                self._host_intervals[_host(origin)] = min(float(delay), self.settings.max_wait)
        return parser


def _retried(reason: str, retries: int) -> str:
    return f"{reason}，已重试 {retries} 次" if retries else reason


def _require_public(url: str, current: str) -> None:
    """FetchError unless every address `current`'s host resolves to is a public one: a server fetching for its
    users must not be turned on its own network (checked for the URL and every redirect target)."""
    host = urlsplit(current).hostname or ""
    try:
        _, internal = _internal_addresses(host)
    except (OSError, UnicodeError):
        raise FetchError(url, f"无法解析网址中的主机名（{host}）") from None
    if internal:
        raise FetchError(url, f"{INTERNAL}（{host}）")
