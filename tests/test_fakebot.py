"""The fake Bot API server checks requests against the spec: plain httpx calls, no bot."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fakebot import FakeBotApi, SimulatedUser, load_spec

CHAT = 42


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi(max_poll_wait=0.2) as fake:
        SimulatedUser(fake, CHAT)  # registers the private chat
        yield fake


@pytest.fixture
def api(server: FakeBotApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.base_url}{server.token}/", timeout=5) as client:
        yield client


def keyboard(data: str) -> str:
    return json.dumps({"inline_keyboard": [[{"text": "OK", "callback_data": data}]]})


def test_spec_is_the_published_one() -> None:
    spec = load_spec()
    assert spec.version.startswith("Bot API")
    assert spec.method_name("SENDMESSAGE") == "sendMessage"
    assert spec.method_name("sendTelepathy") is None


def test_a_valid_message_is_recorded(server: FakeBotApi, api: httpx.Client) -> None:
    reply = api.post(
        "sendMessage",
        data={"chat_id": str(CHAT), "text": "x" * 4096, "reply_markup": keyboard("a" * 64)},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["result"]["message_id"] == 1
    [message] = server.bot_messages(CHAT)
    assert len(message.text) == 4096
    assert message.button("OK").callback_data == "a" * 64
    assert server.violations == []


def test_missing_chat_id(server: FakeBotApi, api: httpx.Client) -> None:
    reply = api.post("sendMessage", data={"text": "hello"})
    assert reply.status_code == 400
    assert reply.json()["ok"] is False
    assert server.violations == ["sendMessage: missing required parameter 'chat_id'"]
    assert server.bot_messages(CHAT) == []


def test_text_of_4097_characters(server: FakeBotApi, api: httpx.Client) -> None:
    reply = api.post("sendMessage", data={"chat_id": str(CHAT), "text": "字" * 4097})
    assert reply.status_code == 400
    assert server.violations == ["sendMessage.text: 4097 characters, must be 1-4096"]


def test_blank_text(server: FakeBotApi, api: httpx.Client) -> None:
    assert api.post("sendMessage", data={"chat_id": str(CHAT), "text": " \n "}).status_code == 400
    assert server.violations == ["sendMessage.text: only whitespace, must have 1-4096 characters"]


def test_callback_data_of_65_bytes(server: FakeBotApi, api: httpx.Client) -> None:
    data = "条" * 21 + "ab"  # 21 x 3 bytes + 2 = 65 bytes, 23 characters
    params = {"chat_id": str(CHAT), "text": "hi", "reply_markup": keyboard(data)}
    assert api.post("sendMessage", data=params).status_code == 400
    [violation] = server.violations
    assert "inline_keyboard[0][0].callback_data: 65 bytes, must be 1-64" in violation


def test_unknown_method(server: FakeBotApi, api: httpx.Client) -> None:
    reply = api.post("sendTelepathy", data={"chat_id": str(CHAT)})
    assert reply.status_code == 404
    assert server.violations == ["sendTelepathy: no such method in Bot API 10.1"]


def test_wrong_types_and_unknown_parameters(server: FakeBotApi, api: httpx.Client) -> None:
    params = {"chat_id": str(CHAT), "message_id": "first", "text": "x", "colour": "red"}
    assert api.post("editMessageText", data=params).status_code == 400
    assert server.violations == [
        "editMessageText: unknown parameter 'colour'",
        "editMessageText.message_id: expected Integer, got 'first'",
    ]


def test_conditional_requirements(server: FakeBotApi, api: httpx.Client) -> None:
    assert api.post("editMessageText", data={"text": "x"}).status_code == 400
    assert server.violations == [
        "editMessageText: missing required parameter 'chat_id'",
        "editMessageText: missing required parameter 'message_id'",
        "editMessageText: missing required parameter 'inline_message_id'",
    ]


def test_json_bodies_are_checked_strictly(server: FakeBotApi, api: httpx.Client) -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": 7}]]}
    reply = api.post("sendMessage", json={"chat_id": CHAT, "text": "hi", "reply_markup": markup})
    assert reply.status_code == 400
    assert "callback_data: expected String, got 7" in server.violations[0]


def test_inline_results_and_caption_and_commands(server: FakeBotApi, api: httpx.Client) -> None:
    result = {
        "type": "article",
        "id": "1",
        "title": "t",
        "input_message_content": {"message_text": "x"},
    }
    ok = api.post(
        "answerInlineQuery", data={"inline_query_id": "q", "results": json.dumps([result])}
    )
    assert ok.status_code == 200, server.violations
    too_many = json.dumps([{**result, "id": str(i)} for i in range(51)])
    api.post("answerInlineQuery", data={"inline_query_id": "q", "results": too_many})
    files = {"document": ("plan.docx", b"PK", "application/octet-stream")}
    api.post("sendDocument", data={"chat_id": str(CHAT), "caption": "c" * 1025}, files=files)
    commands = json.dumps([{"command": "New", "description": "d"}])
    api.post("setMyCommands", data={"commands": commands})
    assert server.violations == [
        "answerInlineQuery.results: 51 items, no more than 50 allowed",
        "sendDocument.caption: 1025 characters, must be 0-1024",
        "setMyCommands.commands[0].command: only a-z, 0-9 and _ allowed, 1-32 characters",
    ]


def test_documents_round_trip(server: FakeBotApi, api: httpx.Client) -> None:
    files = {"document": ("plan.docx", b"PK\x03\x04 bytes", "application/octet-stream")}
    sent = api.post("sendDocument", data={"chat_id": str(CHAT), "caption": "plan"}, files=files)
    assert sent.status_code == 200, server.violations
    [message] = server.bot_messages(CHAT)
    assert message.document is not None
    assert (message.document.filename, message.document.content) == (
        "plan.docx",
        b"PK\x03\x04 bytes",
    )
    info = api.post("getFile", data={"file_id": message.document.file_id}).json()["result"]
    download = httpx.get(f"{server.base_file_url}{server.token}/{info['file_path']}")
    assert download.content == b"PK\x03\x04 bytes"
    assert server.violations == []


def test_get_updates_long_polls_and_confirms(server: FakeBotApi, api: httpx.Client) -> None:
    started = time.monotonic()
    assert api.post("getUpdates", data={"timeout": "10"}).json()["result"] == []
    assert time.monotonic() - started < 1  # capped by max_poll_wait

    user = SimulatedUser(server, CHAT)
    threading.Timer(0.05, user.send_text, ["hello"]).start()
    [update] = api.post("getUpdates", data={"timeout": "10"}).json()["result"]
    assert update["message"]["text"] == "hello"
    assert api.post("getUpdates", data={"offset": "0"}).json()["result"] == [update]
    next_offset = str(update["update_id"] + 1)
    assert api.post("getUpdates", data={"offset": next_offset}).json()["result"] == []
    assert server.violations == []


def test_edits_imitate_telegram(server: FakeBotApi, api: httpx.Client) -> None:
    api.post(
        "sendMessage", data={"chat_id": str(CHAT), "text": "v1", "reply_markup": keyboard("a")}
    )
    same = {"chat_id": str(CHAT), "message_id": "1", "text": "v1", "reply_markup": keyboard("a")}
    assert "message is not modified" in api.post("editMessageText", data=same).json()["description"]
    gone = {**same, "message_id": "99"}
    assert (
        "message to edit not found" in api.post("editMessageText", data=gone).json()["description"]
    )
    assert api.post("editMessageText", data={**same, "text": "v2"}).status_code == 200
    [message] = server.bot_messages(CHAT)
    assert (message.text, message.edits) == ("v2", 1)
    assert server.violations == []


def test_injected_flood_error(server: FakeBotApi, api: httpx.Client) -> None:
    """A 429 with ``retry_after``: "the number of seconds left to wait before the request can be
    repeated" (ResponseParameters); a repeat before then is refused again and reported."""
    server.fail_next("sendMessage", error_code=429, description="Too Many Requests", retry_after=1)
    first = api.post("sendMessage", data={"chat_id": str(CHAT), "text": "a"})
    assert first.status_code == 429
    assert first.json()["parameters"] == {"retry_after": 1}
    early = api.post("sendMessage", data={"chat_id": str(CHAT), "text": "a"})
    assert early.status_code == 429 and early.json()["parameters"] == {"retry_after": 1}
    assert len(server.violations) == 1 and "before retry_after ran out" in server.violations[0]
    time.sleep(1.05)
    assert api.post("sendMessage", data={"chat_id": str(CHAT), "text": "a"}).status_code == 200
    assert [m.text for m in server.bot_messages(CHAT)] == ["a"]


def test_a_late_answer_and_a_gateways_page(server: FakeBotApi, api: httpx.Client) -> None:
    server.answer_late("sendMessage", 0.5)
    with pytest.raises(httpx.ReadTimeout):
        api.post("sendMessage", data={"chat_id": str(CHAT), "text": "late"}, timeout=0.1)
    assert [m.text for m in server.bot_messages(CHAT)] == ["late"]  # delivered all the same
    started = time.monotonic()
    assert api.post("sendMessage", data={"chat_id": str(CHAT), "text": "b"}).is_success
    assert time.monotonic() - started < 0.4  # the next call is not held up
    server.fail_next("sendMessage", error_code=502, description="Bad Gateway", gateway=True)
    page = api.post("sendMessage", data={"chat_id": str(CHAT), "text": "c"})
    assert page.status_code == 502 and page.headers["content-type"] == "text/html"
    assert [m.text for m in server.bot_messages(CHAT)] == ["late", "b"]  # not delivered
    assert server.violations == []


def test_callback_answers(server: FakeBotApi, api: httpx.Client) -> None:
    api.post(
        "sendMessage", data={"chat_id": str(CHAT), "text": "v1", "reply_markup": keyboard("a")}
    )
    user = SimulatedUser(server, CHAT)
    query_id = user.press("OK")
    assert server.unanswered_callback_queries() == [query_id]
    assert api.post("answerCallbackQuery", data={"callback_query_id": query_id}).status_code == 200
    assert server.unanswered_callback_queries() == []
    assert api.post("answerCallbackQuery", data={"callback_query_id": query_id}).status_code == 400
    assert server.violations == [f"answerCallbackQuery: query {query_id} answered twice"]


SPEC_CASES: list[tuple[str, dict[str, object]]] = [
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": {
        "inline_keyboard": [[{"text": "OK", "callback_data": "a" * 64}]]}}),
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": {
        "inline_keyboard": [[{"text": "OK", "callback_data": "a" * 65}]]}}),
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": {
        "inline_keyboard": [[{"text": "OK", "callback_data": 7}]]}}),
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": {
        "inline_keyboard": [[{"text": "OK", "callback_data": "x", "colour": "red"}]]}}),
    ("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": {"inline_keyboard": {}}}),
    ("sendMessage", {"chat_id": str(CHAT), "text": " ", "reply_markup": keyboard("a")}),
    ("sendMessage", {"chat_id": str(CHAT), "text": "字" * 4097, "reply_markup": keyboard("")}),
    ("sendMessage", {"chat_id": True, "text": 5, "entities": [{"type": "bold", "offset": 0}]}),
    ("sendMessage", {"chat_id": 1.5, "text": None, "reply_markup": [1, 2.5, None, True]}),
    ("sendMessage", {"chat_id": CHAT, "text": "x", "reply_markup": '{"inline_keyboard": NaN}'}),
    ("editMessageText", {"text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}}),
    ("setMyCommands", {"commands": [{"command": "New", "description": "d"}]}),
    ("setMyCommands", {"commands": json.dumps([{"command": "new", "description": "d"}])}),
    ("answerInlineQuery", {"inline_query_id": "q", "results": [{"type": "article"}] * 51}),
    ("getUpdates", {"allowed_updates": ["message", 1], "offset": "x"}),
    ("getUpdates", {"offset": True, "limit": 1.0, "timeout": None}),
    ("sendMessage", {"colour": "red", "chat_id": 1, "text": "x"}),
    ("sendMessage", {"text": "x", "size": 1, "colour": "red"}),
    ("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": {"inline_keyboard": [[{
        "text": "OK", "callback_data": "x", "pay": 1.5, "url": None}]]}}),
    ("answerInlineQuery", {"results": json.dumps([{"type": "article"}] * 51),
                           "inline_query_id": "q"}),
    ("sendMessage", {"chat_id": "@chan", "text": "x", "disable_notification": "true"}),
    ("sendMessage", {"chat_id": 1, "text": "x", "disable_notification": 1}),
    ("sendMessage", {"chat_id": 1, "text": "x", "protect_content": False, "parse_mode": ""}),
    ("answerCallbackQuery", {"callback_query_id": "q", "cache_time": 2.5, "show_alert": True}),
    ("answerCallbackQuery", {"callback_query_id": 7, "cache_time": "3", "text": "a" * 201}),
    ("answerCallbackQuery", {"callback_query_id": "", "url": None, "show_alert": "yes"}),
    ("sendChatAction", {"chat_id": -100, "action": "typing"}),
]


@pytest.mark.parametrize(("method", "params"), SPEC_CASES)
def test_remembered_verdicts_are_the_verdicts(method: str, params: dict[str, object]) -> None:
    """check(plain=True) remembers a field's verdict by its value: asked twice, with the same
    values or others, it answers exactly as checking afresh does."""
    spec = load_spec()
    fresh = spec.check(method, params)
    assert spec.check(method, params, plain=True) == fresh
    assert spec.check(method, params, plain=True) == fresh  # now remembered
    for other_method, other in SPEC_CASES:
        assert spec.check(other_method, other, plain=True) == spec.check(other_method, other)


def test_remembered_verdicts_tell_alike_values_apart() -> None:
    """Values that compare equal in Python but are different JSON keep their own verdicts."""
    spec = load_spec()
    for value in ({"inline_keyboard": [[{"text": "OK", "callback_data": "1"}]]},
                  {"inline_keyboard": [[{"text": "OK", "callback_data": 1}]]},
                  {"inline_keyboard": [[{"text": "OK", "callback_data": True}]]},
                  {"inline_keyboard": [[{"text": "OK", "callback_data": 1.0}]]}):
        params = {"chat_id": CHAT, "text": "hi", "reply_markup": value}
        assert spec.check("sendMessage", params, plain=True) == spec.check("sendMessage", params)
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "a"}]]}
    assert spec.check("sendMessage", {"chat_id": 1, "text": "a", "reply_markup": markup},
                      plain=True) == []
    # the same keyboard JSON as a form value (a string) and as a JSON object: both fine
    assert spec.check("sendMessage", {"chat_id": "1", "text": "a",
                                      "reply_markup": json.dumps(markup)}, plain=True) == []


def test_repeated_bad_requests_are_all_reported(server: FakeBotApi, api: httpx.Client) -> None:
    params = {"chat_id": CHAT, "text": "hi",
              "reply_markup": {"inline_keyboard": [[{"text": "OK", "callback_data": "a" * 65}]]}}
    for _ in range(3):
        assert api.post("sendMessage", json=params).status_code == 400
    assert len(server.violations) == 3
    assert len(set(server.violations)) == 1
    assert "callback_data: 65 bytes, must be 1-64" in server.violations[0]


# -- the HTTP layer ---------------------------------------------------------------------------


def raw_exchange(server: FakeBotApi, data: bytes, answers: int = 1) -> list[bytes]:
    """Send ``data`` on one connection; the first ``answers`` HTTP answers (heads and bodies)."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        return read_answers(sock, answers)


def read_answers(sock: socket.socket, count: int) -> list[bytes]:
    received, answers = b"", list[bytes]()
    while len(answers) < count:
        head_end = received.find(b"\r\n\r\n")
        if head_end >= 0:
            head = received[:head_end].decode("latin-1")
            length = int(next((line.split(":")[1] for line in head.split("\r\n")
                               if line.lower().startswith("content-length:")), "0"))
            end = head_end + 4 + length
            if len(received) >= end:
                answers.append(received[:end])
                received = received[end:]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return answers


def post(path: str, body: bytes, *extra: str) -> bytes:
    headers = [f"POST {path} HTTP/1.1", "Host: x", "Content-Type: application/json",
               f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def test_http_keep_alive_and_pipelining(server: FakeBotApi) -> None:
    path = f"/bot{server.token}/sendMessage"
    requests = b"".join(post(path, json.dumps({"chat_id": CHAT, "text": f"m{i}"}).encode())
                        for i in range(3))
    answers = raw_exchange(server, requests, 3)
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"HTTP/1.1 200 OK"] * 3
    assert [m.text for m in server.bot_messages(CHAT)] == ["m0", "m1", "m2"]
    assert server.violations == []


def test_http_chunked_body_and_expect_continue(server: FakeBotApi) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    body = json.dumps({"chat_id": CHAT, "text": "chunked 条"}).encode()
    head = (f"POST /bot{server.token}/sendMessage HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Expect: 100-continue\r\n\r\n").encode()
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(body[i:i + 5]), body[i:i + 5])
                      for i in range(0, len(body), 5)) + b"0\r\nX-Trailer: y\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(chunks)
        [answer] = read_answers(sock, 1)
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert [m.text for m in server.bot_messages(CHAT)] == ["chunked 条"]


def test_http_a_request_cut_short_was_never_made(server: FakeBotApi) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    request = post(f"/bot{server.token}/sendMessage",
                   json.dumps({"chat_id": CHAT, "text": "never"}).encode())
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request[:-3])
    time.sleep(0.1)
    assert server.calls == []
    assert server.bot_messages(CHAT) == []


def test_http_malformed_requests(server: FakeBotApi) -> None:
    for garbage in (b"HELLO\r\n\r\n", b"POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                    b"POST /x HTTP/1.1\r\nBad Header\r\n\r\n",
                    b"GET /x HTTP/1.1\r\nA: b\nC: d\r\n\r\n",
                    b"GET /x HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n",
                    b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        [answer] = raw_exchange(server, garbage)
        assert answer.startswith(b"HTTP/1.1 400 Bad Request"), answer
        assert b"Connection: close" in answer
    assert server.calls == []


def test_http_connection_close_and_http_1_0(server: FakeBotApi) -> None:
    path = f"/bot{server.token}/getMe"
    for request in (f"GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n".encode(),
                    f"GET {path} HTTP/1.0\r\n\r\n".encode()):
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(request)
            [answer] = read_answers(sock, 1)
            assert sock.recv(10) == b""  # closed after the answer
        assert answer.startswith(b"HTTP/1.1 200 OK")
        assert b"Connection: close" in answer
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["result"]["is_bot"] is True


def test_http_query_parameters_and_404(server: FakeBotApi) -> None:
    reply = httpx.get(f"{server.base_url}{server.token}/sendMessage",
                      params={"chat_id": str(CHAT), "text": "via GET"})
    assert reply.status_code == 200
    assert [m.text for m in server.bot_messages(CHAT)] == ["via GET"]
    assert httpx.get(f"{server.base_file_url}{server.token}/nothing/here").status_code == 404


def test_long_poll_answers_at_once_when_updates_are_pending(
    server: FakeBotApi, api: httpx.Client
) -> None:
    user = SimulatedUser(server, CHAT)
    user.send_text("waiting already")
    started = time.monotonic()
    [update] = api.post("getUpdates", data={"timeout": "10"}).json()["result"]
    assert time.monotonic() - started < 0.1
    assert update["message"]["text"] == "waiting already"
    assert server.handed_out[update["update_id"]] >= started


def test_long_polls_wait_side_by_side_and_requests_queue_behind_them(
    server: FakeBotApi, api: httpx.Client
) -> None:
    """Two long polls wait together; an update wakes both. A request sent on a polling
    connection is answered after the poll; other connections are served meanwhile."""
    port = int(server.url.rsplit(":", 1)[1])
    poll = post(f"/bot{server.token}/getUpdates", b'{"timeout": 10}')
    send = post(f"/bot{server.token}/sendMessage", b'{"chat_id": 42, "text": "after"}')
    with (socket.create_connection(("127.0.0.1", port), timeout=5) as first,
          socket.create_connection(("127.0.0.1", port), timeout=5) as second):
        first.sendall(poll + send)
        second.sendall(poll)
        time.sleep(0.05)
        assert api.post("sendMessage", data={"chat_id": str(CHAT), "text": "now"}).is_success
        assert [m.text for m in server.bot_messages(CHAT)] == ["now"]
        SimulatedUser(server, CHAT).send_text("wake up")
        polled, sent = read_answers(first, 2)
        [other] = read_answers(second, 1)
    for answer in (polled, other):
        [update] = json.loads(answer.split(b"\r\n\r\n", 1)[1])["result"]
        assert update["message"]["text"] == "wake up"
    assert sent.startswith(b"HTTP/1.1 200 OK")
    assert [m.text for m in server.bot_messages(CHAT)] == ["now", "after"]
    assert server.violations == []


def test_a_waiting_long_poll_is_answered_when_the_server_stops() -> None:
    fake = FakeBotApi(max_poll_wait=30).start()
    answers: list[httpx.Response] = []
    poller = threading.Thread(target=lambda: answers.append(
        httpx.post(f"{fake.base_url}{fake.token}/getUpdates", data={"timeout": "30"}, timeout=10)))
    poller.start()
    deadline = time.monotonic() + 10  # until the poll waits (a loaded machine may take a while)
    while not fake._poll_wakers and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    fake.stop()
    poller.join(10)
    assert time.monotonic() - started < 2
    assert [a.json()["result"] for a in answers] == [[]]


# -- reading the chat --------------------------------------------------------------------------


def test_message_copies_and_the_newest_message_with_a_button(
    server: FakeBotApi, api: httpx.Client
) -> None:
    for text, data in (("one", "a"), ("two", "b"), ("three", None)):
        params = {"chat_id": str(CHAT), "text": text}
        if data is not None:
            params["reply_markup"] = keyboard(data)
        assert api.post("sendMessage", data=params).is_success
    user = SimulatedUser(server, CHAT)
    user.send_text("me")
    [one, two, three] = server.bot_messages(CHAT)
    assert [m.text for m in server.messages(CHAT)] == ["one", "two", "three", "me"]
    assert one == dataclasses.replace(one) == one.copy() and one.copy() is not one
    copy = three.copy()
    copy.text = "changed here"
    assert server.bot_messages(CHAT)[2].text == "three"
    assert two.has_button("OK") and not two.has_button("Cancel") and not three.has_button("OK")
    assert server.last_bot_message(CHAT) == three
    assert server.last_bot_message(CHAT, lambda m: m.has_button("OK")) == two
    assert server.last_bot_message(CHAT, lambda m: m.text == "me") is None  # the user's
    assert server.last_bot_message(7) is None
    assert user.last_message == three
    query = user.press("OK")
    assert server._updates[-1]["callback_query"]["data"] == "b"  # on the newest one with it
    assert api.post("answerCallbackQuery", data={"callback_query_id": query}).is_success
    assert api.post("deleteMessage", data={"chat_id": str(CHAT), "message_id": "2"}).is_success
    user.press("OK")
    assert server._updates[-1]["callback_query"]["message"]["message_id"] == 1
    with pytest.raises(AssertionError, match="no message has a button 'Cancel'"):
        user.press("Cancel")
    assert user.changed() == []
    assert api.post("editMessageText", data={"chat_id": str(CHAT), "message_id": "3",
                                             "text": "3!"}).is_success
    assert [m.text for m in user.changed()] == ["3!"]
    server.mark_processed(server._updates[-1]["update_id"])
    assert user.wait_for_reply().text == "3!"
    assert api.post("answerCallbackQuery", data={"callback_query_id": f"{CHAT}-2"}).is_success


def test_call_soon_runs_on_the_server_thread(server: FakeBotApi) -> None:
    """Callbacks run on the server's thread, in order, after their delay; a user acting there
    wakes a waiting long poll as one acting from another thread does."""
    ran: list[tuple[str, str, float]] = []
    done = threading.Event()
    started = time.monotonic()

    def note(label: str) -> None:
        ran.append((label, threading.current_thread().name, time.monotonic() - started))
        if label == "later":
            server.call_soon(note, "from the loop")
            server.call_soon(done.set, delay=0.05)

    server.call_soon(note, "later", delay=0.1)
    server.call_soon(note, "first")
    assert done.wait(5)
    assert [label for label, _, _ in ran] == ["first", "later", "from the loop"]
    assert {thread for _, thread, _ in ran} == {"fake-bot-api"}
    assert ran[1][2] >= 0.1

    with FakeBotApi(max_poll_wait=10) as patient:
        user = SimulatedUser(patient, CHAT)
        patient.call_soon(user.send_text, "from the loop", delay=0.1)
        polled = time.monotonic()
        reply = httpx.post(f"{patient.base_url}{patient.token}/getUpdates",
                           data={"timeout": "10"}, timeout=15)
        [update] = reply.json()["result"]
        assert update["message"]["text"] == "from the loop"
        assert 0.1 <= time.monotonic() - polled < 5  # woken, not waiting the 10 s out


def test_request_heads_are_read_alike_the_second_time() -> None:
    from tests.fakebot.server import _BadRequest, _parse_head, _read_head

    heads = ["POST /bot1:T/sendMessage?a=%41 HTTP/1.1\r\nContent-Length: 12\r\n"
             "Content-Type: application/json\r\nConnection: close\r\n",
             "GET /file/bot1:T/documents/file%3A1.docx HTTP/1.0\r\nConnection: keep-alive\r\n",
             "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n"]
    for head in heads:
        assert _read_head(head) == _read_head(head) == _parse_head(head)
        assert _read_head(head) is not _read_head(head)  # each request gets its own
    for bad in ("POST /x HTTP/1.1\r\nContent-Length: 1x\r\n", "POST /x HTTP/2\r\n"):
        for _ in range(2):
            with pytest.raises(_BadRequest):
                _read_head(bad)


def test_pipelined_polls_that_need_not_wait(server: FakeBotApi) -> None:
    SimulatedUser(server, CHAT).send_text("pending")
    poll = post(f"/bot{server.token}/getUpdates", b'{"timeout": 0}')
    answers = raw_exchange(server, poll * 300, 300)
    assert len(answers) == 300
    for answer in answers:
        [update] = json.loads(answer.split(b"\r\n\r\n", 1)[1])["result"]
        assert update["message"]["text"] == "pending"


def test_handle_serves_in_the_calling_thread(server: FakeBotApi) -> None:
    """FakeBotApi.handle (no HTTP) checks, records and serves as the HTTP side does; its
    getUpdates waits in the calling thread until an update comes."""
    status, answer = server.handle(server.token, "sendMessage", {"chat_id": CHAT, "text": "hi"}, {})
    assert (status, answer["result"]["text"]) == (200, "hi")
    status, answer = server.handle(server.token, "sendMessage", {"chat_id": CHAT}, {}, plain=True)
    assert status == 400
    assert server.violations == ["sendMessage: missing required parameter 'text'"]
    assert server.handle("1:WRONG", "getMe", {}, {})[0] == 401
    threading.Timer(0.05, SimulatedUser(server, CHAT).send_text, ["hello"]).start()
    status, answer = server.handle(server.token, "getUpdates", {"timeout": 10}, {})
    assert [u["message"]["text"] for u in answer["result"]] == ["hello"]
    assert [call.method for call in server.calls] == ["sendMessage"] * 2 + ["getMe", "getUpdates"]
