"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

PTB sends every Bot API call through a :class:`telegram.request.BaseRequest`; its default,
``HTTPXRequest``, spends most of the bot's CPU time in httpx/httpcore (pure-Python HTTP/1.1 and a
connection pool that scans its connections on every request: about half of the CPU of a busy bot
in a py-spy profile). aiohttp parses HTTP in C and keeps a cheap pool, which cuts the CPU per
update several-fold (``python -m benchmarks chat``). Behaviour is the same as ``HTTPXRequest``:

- parameters go as one ``application/json`` body (the Bot API takes JSON for every method),
  as multipart/form-data when a file is uploaded (as ``HTTPXRequest`` does);
- default timeouts: read 5 s, write 5 s (20 s with a file), connect 5 s, pool 1 s;
  ``getUpdates`` passes its own longer read timeout;
- a proxy in ``HTTPS_PROXY`` / ``HTTP_PROXY`` (with ``NO_PROXY``) is used, as httpx would.
  It is looked up once per origin, not per request: aiohttp's ``trust_env`` reads the
  environment and ``~/.netrc`` in a worker thread on every request, two thread hops that were
  a fifth of a busy bot's CPU. (``.netrc`` credentials are not used: Bot API URLs carry the
  token themselves);
- a timeout raises :class:`telegram.error.TimedOut`, any other transport error
  :class:`telegram.error.NetworkError`; where the failure shows that the request never left
  (no connection made, or no connection in time) the error is a :class:`NotSent` (and a
  :class:`ConnectTimedOut` is a ``TimedOut`` too), and a 5xx answer is a :class:`ServerFailed`
  with its status: what ``bot.adapters.retry`` needs to know whether a message may be sent
  again (``bot.adapters.retry_policy``). Other HTTP status codes are PTB's business.

Bodies are written and responses parsed with orjson (for responses through PTB's hook
:meth:`BaseRequest.parse_json_payload`).

aiohttp has no write timeout of its own: the write timeout is added to the whole request's
budget (``total`` = write + read), which bounds a stalled upload just as well.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final

import aiohttp
import orjson
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.types import ODVInput  # PTB's type for "a value or DEFAULT_NONE"
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

DEFAULT_TIMEOUT: Final = 5.0
POOL_TIMEOUT: Final = 1.0
MEDIA_WRITE_TIMEOUT: Final = 20.0
JSONDict = dict[str, object]
_JSON: Final = {"Content-Type": "application/json"}
Proxy = tuple[URL | None, aiohttp.BasicAuth | None]
_NO_PROXY: Final[Proxy] = (None, None)


class NotSent(NetworkError):
    """The request never left: no connection to the Bot API was made (refused, DNS, TLS, the
    proxy's tunnel)."""


class ConnectTimedOut(NotSent, TimedOut):
    """No connection within the connect and pool timeouts: the request never left."""


class ServerFailed(NetworkError):
    """An HTTP 5xx answer (a gateway's 502 or the Bot API's own 500 …)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class AiohttpRequest(BaseRequest):
    """A :class:`BaseRequest` over one :class:`aiohttp.ClientSession` (created on initialise).

    ``pool_size`` is the most connections kept open at once (PTB's ``connection_pool_size``).
    """

    def __init__(
        self,
        pool_size: int = 256,
        *,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        write_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._pool_size = pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, Proxy] = {}  # origin → proxy from the environment

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
            )
            self._proxies.clear()  # the environment is read again after a restart

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        try:
            parsed = orjson.loads(payload)
        except orjson.JSONDecodeError:
            # invalid UTF-8 or JSON: PTB's own parser replaces bad bytes and reports the rest
            return BaseRequest.parse_json_payload(payload)
        if not isinstance(parsed, dict):
            raise TelegramError("Invalid server response")
        return parsed

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        read = _given(read_timeout, self._read)
        write = _given(write_timeout, self._media_write if files else self._write)
        connect = _given(connect_timeout, self._connect)
        pool = _given(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None if read is None or write is None else read + write + (connect or 0.0),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            body = _body(request_data)
            headers = _JSON if isinstance(body, bytes) else None
            proxy, proxy_auth = self._proxy_for(url)
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout,
                proxy=proxy, proxy_auth=proxy_auth,
            ) as response:
                status, payload = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as exc:  # a TimeoutError: first
            raise ConnectTimedOut(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except TimeoutError as exc:
            raise TimedOut from exc
        except (aiohttp.ClientConnectorError, aiohttp.ClientHttpProxyError) as exc:
            raise NotSent(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise ServerFailed(status, _server_failure(status, payload))
        return status, payload

    def _proxy_for(self, url: str) -> Proxy:
        """The proxy for ``url`` that the environment names (HTTPS_PROXY, NO_PROXY …), if any."""
        origin = "/".join(url.split("/", 3)[:3])  # scheme://host:port
        proxy = self._proxies.get(origin)
        if proxy is None:
            try:
                proxy = get_env_proxy_for_url(URL(url))
            except LookupError:  # none set, or NO_PROXY covers the host
                proxy = _NO_PROXY
            self._proxies[origin] = proxy
        return proxy


def _server_failure(status: int, payload: bytes) -> str:
    """``Bad Gateway (502)``, with the Bot API's description when the body is its JSON."""
    try:
        phrase = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        phrase = f"HTTP error ({status})"
    try:
        description = orjson.loads(payload).get("description")
    except (orjson.JSONDecodeError, AttributeError):
        description = None
    return f"{phrase}: {description}" if isinstance(description, str) else phrase


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout the caller passed, else the default (PTB's ``DEFAULT_NONE`` means "not set")."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return value if value is None or isinstance(value, int | float) else default


def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
    """A JSON body (one orjson call), or multipart/form-data when a file goes along."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return orjson.dumps(request_data.parameters)
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
