"""A fake DingTalk on 127.0.0.1: OpenAPI (token, connections/open, robot messages, files) and the
Stream gateway (a WebSocket that pushes frames and records the acknowledgements).

Every request is checked against :mod:`tests.fakedingtalk.spec`; what does not fit goes to
``violations`` (a test ends with ``violations == []``). The server runs on the event loop of
:class:`tests.fakedingtalk.harness.RunningRobot`; the test thread reads ``sent``, ``acks`` and
``connections`` under ``changed`` (a :class:`threading.Condition`).
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import WSMsgType, web

from tests.fakedingtalk import spec

CLIENT_ID, CLIENT_SECRET = "dingtestapp", "test-secret"


@dataclass(frozen=True)
class Sent:
    """A robot message the bot sent: to ``("user", staffId)`` or ``("group", conversationId)``."""

    to: tuple[str, str]
    key: str
    param: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.param.get("text", ""))

    def buttons(self) -> dict[str, str]:
        """An ActionCard's buttons: title → the words its link sends."""
        pairs = [("singleTitle", "singleURL")] + [
            (f"actionTitle{n}", f"actionURL{n}") for n in range(1, 7)]
        return {str(self.param[t]): unquote(str(self.param[u]).removeprefix(spec.SEND_LINK))
                for t, u in pairs if t in self.param}


@dataclass
class FakeDingTalk:
    violations: list[str] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    acks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # downloadCode → content
    fail: dict[str, list[int]] = field(default_factory=dict)  # path → statuses to answer first
    calls: list[str] = field(default_factory=list)  # paths, in order
    connections: int = 0
    tokens_issued: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    base_url: str = ""
    ws: web.WebSocketResponse | None = None
    _tickets: dict[str, bool] = field(default_factory=dict)  # ticket → used
    _tokens: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._faults])
        app.router.add_post("/v1.0/oauth2/accessToken", self.access_token)
        app.router.add_post("/v1.0/gateway/connections/open", self.open_connection)
        app.router.add_get("/gateway", self.gateway)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self.to_user)
        app.router.add_post("/v1.0/robot/groupMessages/send", self.to_group)
        app.router.add_post("/media/upload", self.upload)
        app.router.add_post("/v1.0/robot/messageFiles/download", self.download)
        app.router.add_get("/files/{code}", self.file)
        return app

    def violation(self, what: str) -> None:
        with self.changed:
            self.violations.append(what)
            self.changed.notify_all()

    @web.middleware
    async def _faults(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.calls.append(request.path)
        statuses = self.fail.get(request.path)
        if statuses:
            status = statuses.pop(0)
            headers = {"Retry-After": "0"} if status == 429 else {}
            return web.json_response({"code": "Throttled", "message": "fault"}, status=status,
                                     headers=headers)
        result: web.StreamResponse = await handler(request)
        return result

    # -- OpenAPI ---------------------------------------------------------------------------

    async def access_token(self, request: web.Request) -> web.Response:
        body = await self._body(request, spec.ACCESS_TOKEN)
        if (body.get("appKey"), body.get("appSecret")) != (CLIENT_ID, CLIENT_SECRET):
            return web.json_response({"code": "invalidClientId"}, status=400)
        token = f"token-{next(self._ids)}"
        self._tokens.add(token)
        self.tokens_issued += 1
        return web.json_response({"accessToken": token, "expireIn": 7200})

    async def open_connection(self, request: web.Request) -> web.Response:
        body = await self._body(request, spec.CONNECTIONS_OPEN, spec.CONNECTIONS_OPEN_OPTIONAL)
        if (body.get("clientId"), body.get("clientSecret")) != (CLIENT_ID, CLIENT_SECRET):
            return web.json_response({"code": "invalidClientId"}, status=400)
        for sub in body.get("subscriptions") or [None]:
            if not isinstance(sub, dict) or set(sub) != {"type", "topic"} or (
                    sub["type"] not in spec.SUBSCRIPTION_TYPES):
                self.violation(f"connections/open: bad subscription {sub!r}")
        ticket = f"ticket-{next(self._ids)}"
        self._tickets[ticket] = False
        return web.json_response({"endpoint": f"ws{self.base_url[4:]}/gateway",
                                  "ticket": ticket})

    async def to_user(self, request: web.Request) -> web.Response:
        body = await self._robot_message(request, spec.TO_USER)
        users = body.get("userIds")
        if not (isinstance(users, list) and len(users) == 1 and isinstance(users[0], str)):
            self.violation(f"batchSend: userIds {users!r}")
            return web.json_response({"code": "invalidParameter"}, status=400)
        self._record(("user", users[0]), body)
        return web.json_response({"processQueryKey": f"q{next(self._ids)}",
                                  "invalidStaffIdList": [], "flowControlledStaffIdList": []})

    async def to_group(self, request: web.Request) -> web.Response:
        body = await self._robot_message(request, spec.TO_GROUP)
        self._record(("group", str(body.get("openConversationId"))), body)
        return web.json_response({"processQueryKey": f"q{next(self._ids)}"})

    async def upload(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self._tokens:
            self.violation("media/upload: no valid access_token")
        if request.query.get("type") != "file":
            self.violation(f"media/upload: type {request.query.get('type')!r}")
        form = await request.post()
        media = form.get("media")
        if not isinstance(media, web.FileField) or not media.filename:
            self.violation("media/upload: no media file part with a filename")
            return web.json_response({"errcode": 40001, "errmsg": "no media"})
        media_id = f"@media{next(self._ids)}"
        self.uploads[media_id] = (media.filename, media.file.read())
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": "file",
                                  "media_id": media_id, "created_at": 1})

    async def download(self, request: web.Request) -> web.Response:
        body = await self._body(request, spec.DOWNLOAD, token=True)
        if body.get("robotCode") != CLIENT_ID:
            self.violation(f"download: robotCode {body.get('robotCode')!r}")
        code = str(body.get("downloadCode"))
        if code not in self.files:
            return web.json_response({"code": "invalidDownloadCode"}, status=400)
        return web.json_response({"downloadUrl": f"{self.base_url}/files/{code}"})

    async def file(self, request: web.Request) -> web.Response:
        return web.Response(body=self.files[request.match_info["code"]])

    # -- the stream --------------------------------------------------------------------------

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        ticket = request.query.get("ticket", "")
        if self._tickets.get(ticket, True):
            self.violation(f"gateway: ticket {ticket!r} unknown or used twice")
            raise web.HTTPUnauthorized()
        self._tickets[ticket] = True
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        with self.changed:
            self.ws = ws
            self.connections += 1
            self.changed.notify_all()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self._ack(message.data)
        return ws

    def _ack(self, raw: str) -> None:
        try:
            ack = json.loads(raw)
        except ValueError:
            self.violation(f"stream: an ack that is not JSON: {raw[:80]}")
            return
        problems = spec.missing_or_extra(ack, spec.ACK)
        headers = ack.get("headers") if isinstance(ack.get("headers"), dict) else {}
        if problems or not isinstance(ack.get("data"), str) or "messageId" not in headers:
            self.violation(f"stream: ack {problems} {ack!r}")
        with self.changed:
            self.acks.setdefault(str(headers.get("messageId")), []).append(ack)
            self.changed.notify_all()

    # -- checks ------------------------------------------------------------------------------

    async def _body(self, request: web.Request, required: frozenset[str],
                    optional: frozenset[str] = frozenset(), *, token: bool = False
                    ) -> dict[str, Any]:
        if token and request.headers.get("x-acs-dingtalk-access-token") not in self._tokens:
            self.violation(f"{request.path}: no valid x-acs-dingtalk-access-token")
        try:
            body = await request.json()
        except ValueError:
            self.violation(f"{request.path}: body is not JSON")
            return {}
        for problem in spec.missing_or_extra(body, required, optional):
            self.violation(f"{request.path}: {problem}")
        return body if isinstance(body, dict) else {}

    async def _robot_message(self, request: web.Request, required: frozenset[str]
                             ) -> dict[str, Any]:
        body = await self._body(request, required, token=True)
        if body.get("robotCode") != CLIENT_ID:
            self.violation(f"{request.path}: robotCode {body.get('robotCode')!r}")
        key, raw = body.get("msgKey"), body.get("msgParam")
        template = spec.TEMPLATES.get(str(key))
        param = json.loads(raw) if isinstance(raw, str) else None
        if template is None or not isinstance(param, dict):
            self.violation(f"{request.path}: msgKey {key!r} / msgParam {raw!r}")
            return body
        for problem in spec.missing_or_extra(param, template):
            self.violation(f"{request.path} {key}: {problem}")
        for name, value in param.items():
            if not isinstance(value, str) or not value:
                self.violation(f"{request.path} {key}: {name} empty or not a string")
            elif name == "text" and len(value) > spec.MARKDOWN_LIMIT:
                self.violation(f"{request.path} {key}: text of {len(value)} characters")
            elif name == "title" and len(value) > spec.TITLE_LIMIT:
                self.violation(f"{request.path} {key}: title of {len(value)} characters")
            elif name.endswith("URL") and not value.startswith(spec.SEND_LINK):
                self.violation(f"{request.path} {key}: {name} {value!r}")
        return body

    def _record(self, to: tuple[str, str], body: dict[str, Any]) -> None:
        raw = body.get("msgParam")
        param = json.loads(raw) if isinstance(raw, str) else {}
        with self.changed:
            self.sent.append(Sent(to, str(body.get("msgKey")), param))
            self.changed.notify_all()
