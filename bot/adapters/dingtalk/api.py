"""The DingTalk OpenAPI calls the adapter makes, over aiohttp, with retries.

* ``POST /v1.0/oauth2/accessToken`` (appKey, appSecret → accessToken, expireIn): cached, renewed
  five minutes before it expires and after a 401;
* ``POST /v1.0/gateway/connections/open`` (clientId, clientSecret, subscriptions → endpoint,
  ticket) for the stream;
* robot messages: ``/v1.0/robot/oToMessages/batchSend`` (to one user) and
  ``/v1.0/robot/groupMessages/send`` (to a group), ``msgParam`` a JSON string;
* files: ``POST {oapi}/media/upload?type=file`` (→ media_id) and
  ``POST /v1.0/robot/messageFiles/download`` (downloadCode → downloadUrl, then GET).

Retries follow :mod:`bot.adapters.retry_policy` (:data:`~bot.adapters.retry_policy.DINGTALK`):
a 429, a 502/503 or no connection is tried again with exponential back-off (``Retry-After``
honoured); a read (token, download, upload, connections/open) also after a timeout, a cut
connection, a 500 or a 504. A *send* whose request went out but whose outcome is unknown is
**not** tried again: the message may already be in the chat, and twice is worse than once; it
is logged and taken as delivered (:class:`MaybeSent`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

from bot.adapters.retry_policy import DINGTALK, Outcome, outcome_of_status

logger = logging.getLogger(__name__)

BASE_DELAY = 0.5
MAX_DELAY = 30.0
TOKEN_MARGIN = 300  # seconds before expiry a token is renewed
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)

Json = dict[str, Any]
T = TypeVar("T")


class ApiError(Exception):
    """DingTalk refused a call (4xx other than 429, or an oapi ``errcode``)."""

    def __init__(self, what: str, status: int, body: str) -> None:
        super().__init__(f"{what}: HTTP {status}: {body[:200]}")
        self.status = status


class MaybeSent(ApiError):
    """A send went out and its outcome is unknown: not repeated, taken as delivered."""


class _Failed(Exception):
    def __init__(self, outcome: Outcome, delay: float | None = None) -> None:
        self.outcome = outcome
        self.delay = delay


@dataclass
class _Token:
    value: str
    expires: float


class DingTalkApi:
    """One app's OpenAPI client. ``session`` is owned by the caller."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        client_id: str,
        client_secret: str,
        api_base: str,
        oapi_base: str,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.session = session
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_base = api_base.rstrip("/")
        self.oapi_base = oapi_base.rstrip("/")
        self.sleep = sleep
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    # -- the calls ---------------------------------------------------------------------------

    async def open_connection(self, topics: list[str]) -> Json:
        body = {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "subscriptions": [{"type": "CALLBACK", "topic": topic} for topic in topics],
            "ua": "planbot",
        }
        return await self._json("connections/open", "/v1.0/gateway/connections/open", body,
                                token=False)

    async def send_to_user(self, robot_code: str, staff_id: str, key: str, param: Json) -> None:
        body = {"robotCode": robot_code, "userIds": [staff_id], "msgKey": key,
                "msgParam": json.dumps(param, ensure_ascii=False)}
        await self._json("batchSend", "/v1.0/robot/oToMessages/batchSend", body)

    async def send_to_group(
        self, robot_code: str, conversation_id: str, key: str, param: Json
    ) -> None:
        body = {"robotCode": robot_code, "openConversationId": conversation_id, "msgKey": key,
                "msgParam": json.dumps(param, ensure_ascii=False)}
        await self._json("groupSend", "/v1.0/robot/groupMessages/send", body)

    async def upload(self, filename: str, content: bytes) -> str:
        """The ``media_id`` of an uploaded file."""

        async def call() -> Json:
            form = aiohttp.FormData(quote_fields=False)  # the name in UTF-8, as browsers send it
            form.add_field("media", content, filename=filename,
                           content_type="application/octet-stream")
            url = f"{self.oapi_base}/media/upload"
            params = {"access_token": await self.access_token(), "type": "file"}
            async with self.session.post(url, params=params, data=form, timeout=TIMEOUT) as resp:
                return await _read_json("media/upload", resp)

        result = await self._retry("media/upload", call)
        if result.get("errcode", 0) != 0 or not result.get("media_id"):
            raise ApiError("media/upload", 200, json.dumps(result, ensure_ascii=False))
        return str(result["media_id"])

    async def download(self, robot_code: str, download_code: str, limit: int) -> bytes:
        body = {"downloadCode": download_code, "robotCode": robot_code}
        found = await self._json("messageFiles/download", "/v1.0/robot/messageFiles/download",
                                 body)
        url = str(found.get("downloadUrl", ""))
        if not url:
            raise ApiError("messageFiles/download", 200, "no downloadUrl")

        async def fetch() -> bytes:
            async with self.session.get(url, timeout=TIMEOUT) as resp:
                _raise_for(resp, "download", "")
                data = bytearray()  # at most limit + 1 bytes: enough to tell it is too large
                async for chunk in resp.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > limit:
                        break
                return bytes(data[: limit + 1])

        return await self._retry("download", fetch)

    async def access_token(self) -> str:
        async with self._token_lock:
            now = time.monotonic()
            if self._token is not None and now < self._token.expires:
                return self._token.value
            body = {"appKey": self.client_id, "appSecret": self.client_secret}
            result = await self._json("accessToken", "/v1.0/oauth2/accessToken", body,
                                      token=False)
            expires_in = int(result.get("expireIn", 7200))
            self._token = _Token(str(result["accessToken"]), now + expires_in - TOKEN_MARGIN)
            return self._token.value

    # -- plumbing ----------------------------------------------------------------------------

    async def _json(
        self, what: str, path: str, body: Json, *, token: bool = True
    ) -> Json:
        async def call() -> Json:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["x-acs-dingtalk-access-token"] = await self.access_token()
            url = self.api_base + path
            async with self.session.post(url, json=body, headers=headers, timeout=TIMEOUT) as resp:
                if resp.status == 401 and token:
                    self._token = None  # renewed at the next try
                    raise _Failed(Outcome.NOT_SENT, 0.0)
                return await _read_json(what, resp)

        return await self._retry(what, call)

    async def _retry(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        attempts = DINGTALK.attempts
        for attempt in range(1, attempts + 1):
            try:
                return await call()
            except _Failed as exc:
                outcome, delay = exc.outcome, exc.delay
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
                outcome, delay = Outcome.NOT_SENT, None
            except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError):
                outcome, delay = Outcome.UNKNOWN, None
            wait = _backoff(attempt) if delay is None else delay
            if not DINGTALK.may_retry(what, outcome):
                logger.warning("%s: %s; not sent again", what, outcome.value)
                raise MaybeSent(what, 0, outcome.value)
            if attempt == attempts or wait > MAX_DELAY:
                raise ApiError(what, 0, f"{outcome.value} after {attempt} tries")
            logger.warning("%s: %s, try %d of %d in %.1f s", what, outcome.value, attempt + 1,
                           attempts, wait)
            await self.sleep(wait)
        raise ValueError("attempts must be at least 1")


async def _read_json(what: str, resp: aiohttp.ClientResponse) -> Json:
    text = await resp.text()
    _raise_for(resp, what, text)
    result = json.loads(text) if text.strip() else {}
    if not isinstance(result, dict):
        raise ApiError(what, resp.status, text)
    return result


def _raise_for(resp: aiohttp.ClientResponse, what: str, text: str) -> None:
    outcome = outcome_of_status(resp.status)
    if outcome is not None:
        raise _Failed(outcome, _retry_after(resp) if outcome is Outcome.WAIT else None)
    if resp.status >= 400:
        raise ApiError(what, resp.status, text)


def _retry_after(resp: aiohttp.ClientResponse) -> float | None:
    value = resp.headers.get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return None


def _backoff(attempt: int) -> float:
    return BASE_DELAY * 2.0 ** (attempt - 1)
