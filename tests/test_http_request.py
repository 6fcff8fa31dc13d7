"""The aiohttp request backend of the Telegram adapter (``bot.adapters.http``).

Success paths run against the fake Bot API (which checks every request against the spec): a
plain call, a file upload (multipart), a download. Failure paths against raw sockets: a server
that never answers (TimedOut: the request went out), a port nobody listens on (NotSent: it did
not); a gateway's 502 page and the Bot API's 500 from the fake (ServerFailed with the status).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError, TimedOut

from bot.adapters.http import AiohttpRequest, NotSent, ServerFailed
from tests.fakebot.server import FakeBotApi
from tests.fakebot.user import SimulatedUser


def _bot(server: FakeBotApi, request: AiohttpRequest | None = None) -> Bot:
    return Bot(
        server.token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=request or AiohttpRequest(8),
        get_updates_request=AiohttpRequest(1),
    )


def test_calls_upload_and_download_pass_the_spec() -> None:
    async def scenario(server: FakeBotApi) -> None:
        async with _bot(server) as bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("确定", callback_data="ok")]])
            sent = await bot.send_message(7, "你好，世界", reply_markup=keyboard)
            assert sent.text == "你好，世界"
            assert sent.reply_markup == keyboard
            document = await bot.send_document(7, "草稿内容".encode(), filename="草稿.txt",
                                               caption="说明")
            assert document.document is not None
            file = await bot.get_file(document.document.file_id)
            assert bytes(await file.download_as_bytearray()) == "草稿内容".encode()

    with FakeBotApi() as server:
        SimulatedUser(server, 7)
        asyncio.run(scenario(server))
        assert server.violations == []
        assert [c.method for c in server.calls] == ["getMe", "sendMessage", "sendDocument",
                                                     "getFile"]
        assert server.calls[2].files["document"].filename == "草稿.txt"


def test_an_api_error_is_telegrams_error() -> None:
    async def scenario(server: FakeBotApi) -> None:
        async with _bot(server) as bot:
            with pytest.raises(TelegramError, match="not found"):
                await bot.edit_message_text("新", chat_id=7, message_id=999)

    with FakeBotApi() as server:
        SimulatedUser(server, 7)
        asyncio.run(scenario(server))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_silent_server_times_out(silent_port: int) -> None:
    async def scenario() -> None:
        request = AiohttpRequest(2, read_timeout=0.2, write_timeout=0.2)
        async with request:
            url = f"http://127.0.0.1:{silent_port}/botTOKEN/getMe"
            with pytest.raises(TimedOut) as timed_out:
                await request.post(url)
            assert not isinstance(timed_out.value, NotSent)  # it went out: may have arrived
            with pytest.raises(TimedOut):
                await request.post(url, read_timeout=0.1)

    asyncio.run(scenario())


def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nobody listens there

    async def scenario() -> None:
        async with AiohttpRequest(2) as request:
            with pytest.raises(NotSent, match=r"aiohttp\.ClientConnectorError"):
                await request.post(f"http://127.0.0.1:{port}/botTOKEN/getMe")

    asyncio.run(scenario())


@pytest.mark.parametrize(("status", "gateway", "message"), [
    (502, True, "Bad Gateway (502)"),
    (500, False, "Internal Server Error (500): Internal Server Error: restart"),
])
def test_a_5xx_answer_carries_its_status(status: int, gateway: bool, message: str) -> None:
    async def scenario(server: FakeBotApi) -> None:
        async with AiohttpRequest(2) as request:
            with pytest.raises(ServerFailed) as failed:
                await request.post(f"{server.base_url}{server.token}/getMe")
            assert (failed.value.status, failed.value.message) == (status, message)

    with FakeBotApi() as server:
        server.fail_next("getMe", error_code=status, gateway=gateway,
                         description="Bad Gateway" if gateway else "Internal Server Error: restart")
        asyncio.run(scenario(server))


def test_not_initialised_is_a_programming_error() -> None:
    async def scenario() -> None:
        with pytest.raises(RuntimeError, match="not initialized"):
            await AiohttpRequest(1).do_request("http://127.0.0.1:1/", "POST")

    asyncio.run(scenario())


def test_invalid_json_is_reported_not_crashed() -> None:
    assert AiohttpRequest.parse_json_payload(b'{"ok": true, "result": 1}') == {
        "ok": True, "result": 1
    }
    with pytest.raises(TelegramError, match="Invalid server response"):
        AiohttpRequest.parse_json_payload(b"<html>bad gateway</html>")
    with pytest.raises(TelegramError, match="Invalid server response"):
        AiohttpRequest.parse_json_payload(b"[1, 2]")


def _no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_a_proxy_from_the_environment_is_used_for_every_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTP_PROXY names the fake Bot API: requests to a host that does not exist reach it, not
    only the first (the proxy is looked up once per origin, then reused)."""

    async def scenario(server: FakeBotApi) -> None:
        async with AiohttpRequest(2) as request:
            for _ in range(3):
                url = f"http://planbot-proxy-test.invalid/bot{server.token}/getMe"
                result = await request.post(url)
                assert isinstance(result, dict) and result["is_bot"] is True

    with FakeBotApi() as server:
        _no_proxy_settings(monkeypatch)
        monkeypatch.setenv("HTTP_PROXY", server.url)
        asyncio.run(scenario(server))
        assert [c.method for c in server.calls] == ["getMe"] * 3


def test_no_proxy_sends_a_host_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_PROXY names the Bot API host: the (unreachable) proxy is not used for it."""

    async def scenario(server: FakeBotApi) -> None:
        async with AiohttpRequest(2) as request:
            result = await request.post(f"{server.url}/bot{server.token}/getMe")
            assert isinstance(result, dict) and result["is_bot"] is True

    with FakeBotApi() as server:
        _no_proxy_settings(monkeypatch)
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        asyncio.run(scenario(server))
        assert [c.method for c in server.calls] == ["getMe"]
