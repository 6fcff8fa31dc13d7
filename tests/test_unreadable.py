"""Messages the dialogue cannot read get a polite answer, on Telegram and on DingTalk: a picture,
a sticker, a voice message, a video, rich text, a file of another type, a kind not known yet. The
answer says what to send instead; nothing reaches the engine's session, and the dialogue goes on
where it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.messages import Messages
from bot.store import open_store
from tests.chat import make_engine
from tests.fakebot.harness import running_bot
from tests.fakedingtalk.harness import DingUser, running_robot

WORDS = Messages()
text = DingUser.text

PHOTO = [{"file_id": "P1", "file_unique_id": "uP1", "width": 90, "height": 90},
         {"file_id": "P2", "file_unique_id": "uP2", "width": 800, "height": 800}]
STICKER = {"file_id": "S1", "file_unique_id": "uS1", "type": "regular", "width": 512,
           "height": 512, "is_animated": False, "is_video": False}
VOICE = {"file_id": "V1", "file_unique_id": "uV1", "duration": 3}
LOCATION = {"latitude": 26.67, "longitude": 106.63}


def test_telegram_answers_photos_stickers_and_voice_politely(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_bot(engine) as bot:
        user = bot.user(4201)
        user.command("new")
        assert "哪个地区" in user.wait_for_reply().text
        for content, message_id in [({"photo": PHOTO, "caption": "看看"}, "unsupported_picture"),
                                    ({"sticker": STICKER}, "unsupported_sticker"),
                                    ({"voice": VOICE}, "unsupported_voice"),
                                    ({"location": LOCATION}, "unsupported_message")]:
            user.send_content(**content)
            assert user.wait_for_reply().text == WORDS.text(message_id)
        user.send_text("修文县")
        assert "哪一年" in user.wait_for_reply().text  # the question was still open
        assert bot.server.calls_to("getFile") == []  # nothing was fetched


def picture(user: DingUser) -> dict[str, Any]:
    return user.message("picture", {"content": {"downloadCode": "dl-pic",
                                                "pictureDownloadCode": "pic-1"}})


def test_dingtalk_answers_pictures_voice_rich_text_and_odd_files_politely(tmp_path: Path) -> None:
    engine = make_engine(open_store(tmp_path), data_dir=tmp_path)
    with running_robot(engine, tmp_path) as robot:
        user = robot.user("staff20", "赵老师")
        assert "哪个地区" in text(user.say("/new"))
        rich = {"content": {"richText": [{"text": "修文县"},
                                         {"type": "picture", "downloadCode": "dl-2",
                                          "pictureDownloadCode": "pic-2"}]}}
        for frame, message_id in [
            (picture(user), "unsupported_picture"),
            (user.message("richText", rich), "unsupported_rich_text"),
            (user.message("audio", {"content": {"duration": 4000, "downloadCode": "dl-3",
                                                "recognition": "修文县"}}), "unsupported_voice"),
            (user.message("video", {"content": {"duration": 9, "downloadCode": "dl-4",
                                                "videoType": "mp4"}}), "unsupported_video"),
            (user.message("interactiveCard", {"content": {}}), "unsupported_message"),
        ]:
            assert text(user.deliver(user.frame(frame))).rstrip() == WORDS.text(message_id)
        odd = text(user.upload("照片.png", b"\x89PNG\r\n\x1a\n")).rstrip()
        assert odd.startswith(WORDS.text("files_unsupported")) and "哪个地区" in odd  # the engine's
        assert "哪一年" in text(user.say("修文县"))  # the dialogue goes on where it was
        member = robot.group("cidGROUP9", "staff21")
        assert member.deliver(member.frame({**picture(member), "isInAtList": False})) == []
    downloads = robot.server.calls.count("/v1.0/robot/messageFiles/download")
    assert downloads == 1  # the .png only: no picture, voice or video was fetched
