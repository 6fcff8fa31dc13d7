"""Telegram adapter: python-telegram-bot in front of the dialogue engine.

Usage::

    BOT_TOKEN=123456:ABC-DEF planbot telegram

or from Python, with any engine that has ``handle`` and ``commands`` (:class:`DialogueEngine`)::

    from bot.adapters.telegram import run_polling
    from bot.config import Settings

    settings = Settings()  # BOT_TOKEN, TELEGRAM_API_BASE_URL … from the environment or .env
    run_polling(settings, engine)

Press Ctrl-C on the command line to stop the bot.

Each callback turns an update into an :class:`~bot.dialogue.types.Event`, runs the synchronous
engine in a worker thread (the event loop stays free) and shows the
:class:`~bot.dialogue.types.Reply` list it returns: an ``edit`` reply replaces the message whose
button was pressed, a long text is split on paragraph boundaries with the buttons on its last
part, documents are sent as files. A pressed button is always answered. Updates of different
users are handled concurrently; the engine serialises the updates of one user.

Logs carry the user id and the action (command, button prefix, "text", "file"), never what the
user wrote. A :class:`~bot.errors.PlanbotError` that reaches the adapter is shown in its own words
(``prompts/``); any other error is logged and the user gets the ``internal_error`` apology.

Inline mode (``@bot 关键词`` in any chat; switch it on with @BotFather ``/setinline``): an inline
query becomes an ``INLINE`` event, ``engine.inline`` answers it with an
:class:`~bot.dialogue.types.InlineAnswer`, sent as ``answerInlineQuery`` with text articles
(``cache_time`` :data:`INLINE_CACHE_SECONDS`, not personal, paged by ``next_offset``).

To serve another kind of update: add its handler in :meth:`TelegramAdapter.add_handlers` and its
update type to :data:`ALLOWED_UPDATES`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import operator
import re
import traceback
from collections.abc import Mapping
from functools import partial
from typing import Any, Final

from telegram import (
    Bot,
    BotCommand,
    CallbackQuery,
    Document,
    InlineQuery,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import CallbackQueryLimit, ChatAction, MessageLimit
from telegram.error import BadRequest, Conflict, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from bot.adapters import conflict
from bot.adapters.http import AiohttpRequest
from bot.adapters.protocol import DialogueEngine
from bot.adapters.ratelimit import rate_limiter
from bot.adapters.retry import deliver, with_retry
from bot.adapters.split import split_text
from bot.adapters.unsupported import Unsupported, refusal
from bot.config import Settings
from bot.dialogue import types as dialogue
from bot.dialogue.types import Event, EventKind, Reply
from bot.errors import InputError, PlanbotError
from bot.messages import Messages

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
INLINE_CACHE_SECONDS: Final = 30  # the same answer for everyone: Telegram may reuse it briefly
MAX_UPLOAD_BYTES: Final = 1024 * 1024
REQUEST_POOL: Final = 256  # connections to the Bot API (PTB's default for its own client)
READ_TIMEOUT = 5.0  # seconds for the Bot API's answer to a call (getUpdates has its own)
TYPING_DELAY = 1.0  # seconds the engine may take before the chat shows "typing…"

# A message starting with "/word" is a command even when Telegram does not mark it as one
# ("/帮助": bot commands are ASCII only).
COMMAND_TEXT: Final = filters.COMMAND | filters.Regex(re.compile(r"^/\w"))
_BUTTON_ACTION = re.compile(r"[A-Za-z0-9_]{1,24}")
# messages the dialogue cannot read, and what kind each is (bot.adapters.unsupported)
_UNREADABLE: Final = (
    (filters.PHOTO, Unsupported.PICTURE),
    (filters.Sticker.ALL, Unsupported.STICKER),
    (filters.VOICE | filters.VIDEO_NOTE, Unsupported.VOICE),
    (filters.VIDEO | filters.ANIMATION, Unsupported.VIDEO),
    (filters.AUDIO | filters.LOCATION | filters.VENUE | filters.CONTACT | filters.POLL
     | filters.Dice.ALL | filters.STORY, Unsupported.OTHER),
)
UNREADABLE: Final = functools.reduce(operator.or_, (f for f, _ in _UNREADABLE))


_Markup = dict[str, list[list[dict[str, str]]]]


class LeanBot(ExtBot[None]):
    """PTB's bot, plus :meth:`call` for the replies whose result the adapter does not read.

    ``bot.send_message(…)`` builds PTB objects for the keyboard and parses the returned message
    into PTB objects; for a reply with a keyboard that is about a tenth of a busy bot's CPU
    (py-spy, ``python -m benchmarks chat``). :meth:`call` sends the Bot API's JSON as it is and
    returns the raw result, with the same errors (``BadRequest``, ``RetryAfter`` …) and the
    same request backend.
    """

    _polling_refused = False  # (PTB freezes its bots' public attributes, not these)

    @property
    def polling_refused(self) -> bool:
        """Whether Telegram answered getUpdates with 409 Conflict: it is not called again."""
        return self._polling_refused

    def refuse_polling(self) -> None:
        self._polling_refused = True

    async def call(self, method: str, params: Mapping[str, object]) -> object:
        """``method`` with ``params`` (``None`` values left out); the raw result."""
        return await self._post(method, dict(params))

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """PTB's, or nothing once polling was refused (:mod:`bot.adapters.conflict`): the
        updater's last call on stopping would cut the other poller's call short."""
        if self.polling_refused:
            return ()
        return await super().get_updates(*args, **kwargs)


PlanbotApplication = Application[
    LeanBot, Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[Context]
]


class TelegramAdapter:
    """The callbacks: each turns an update into an engine event and shows the replies."""

    def __init__(self, engine: DialogueEngine, messages: Messages) -> None:
        self.engine = engine
        self.messages = messages
        self.commands = engine.commands()

    def add_handlers(self, application: PlanbotApplication) -> None:
        new = filters.UpdateType.MESSAGE  # edits of old messages are not new input
        names = [name for name, _ in self.commands]  # CommandHandler rejects invalid names
        application.add_handler(CommandHandler(names, self.on_command, filters=new))
        application.add_handler(MessageHandler(new & COMMAND_TEXT, self.on_command))  # the rest
        # a message posted by choosing an inline result (via_bot) is not input for the dialogue
        typed = new & filters.TEXT & ~COMMAND_TEXT & ~filters.VIA_BOT
        application.add_handler(MessageHandler(typed, self.on_text))
        application.add_handler(MessageHandler(new & filters.Document.ALL, self.on_document))
        # in a private chat, what the dialogue cannot read gets a polite answer
        unreadable = new & filters.ChatType.PRIVATE & UNREADABLE & ~filters.VIA_BOT
        application.add_handler(MessageHandler(unreadable, self.on_unreadable))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(InlineQueryHandler(self.on_inline_query))
        application.add_error_handler(self.on_error)

    async def post_init(self, application: PlanbotApplication) -> None:
        commands = [BotCommand(name, description) for name, description in self.commands]
        await with_retry(partial(application.bot.set_my_commands, commands), what="setMyCommands")

    # -- callbacks ---------------------------------------------------------------------------

    async def on_command(self, update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        name, target, args = _parse_command(message.text)
        if target and target.lower() != context.bot.username.lower():
            return  # "/new@another_bot" in a group
        event = _event(update, EventKind.COMMAND, command=name, text=args)
        if event is not None:
            await self._serve(context.bot, event, f"/{name}")

    async def on_text(self, update: Update, context: Context) -> None:
        message = update.effective_message
        event = _event(update, EventKind.TEXT, text=message.text or "") if message else None
        if event is not None:
            await self._serve(context.bot, event, "text")

    async def on_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        data = query.data or ""
        message_id = query.message.message_id if query.message else None
        event = _event(update, EventKind.BUTTON, data=data, message_id=message_id)
        if event is None:  # a button on an inline message: no chat to answer in
            await self._answer(query, "")
            return
        await self._serve(context.bot, event, f"button:{_button_action(data)}", query)

    async def on_inline_query(self, update: Update, context: Context) -> None:
        """``@bot 关键词`` in any chat: the engine's clauses as text articles, paged."""
        query = update.inline_query
        if query is None:
            return
        user = query.from_user
        event = Event(user_id=user.id, chat_id=user.id, user_name=user.full_name,
                      kind=EventKind.INLINE, text=query.query, offset=query.offset)
        logger.info("user=%d action=inline", user.id)
        try:
            answer = await asyncio.to_thread(self.engine.inline, event)
            await self._answer_inline(query, answer)
        except BadRequest as exc:  # e.g. the query is too old: the user typed on
            logger.info("user=%d inline query not answered: %s", user.id, exc.message)
        except Exception as exc:
            _log_failure(user.id, "inline", exc)

    async def _answer_inline(self, query: InlineQuery, answer: dialogue.InlineAnswer) -> None:
        results = [
            InlineQueryResultArticle(
                id=result.id,
                title=result.title,
                description=result.description or None,
                input_message_content=InputTextMessageContent(result.text),
            )
            for result in answer.results
        ]
        send = partial(query.answer, results, cache_time=INLINE_CACHE_SECONDS,
                       is_personal=False, next_offset=answer.next_offset)
        await with_retry(send, what="answerInlineQuery")

    async def on_document(self, update: Update, context: Context) -> None:
        message = update.effective_message
        document = message.document if message else None
        if message is None or document is None or update.effective_user is None:
            return
        user_id, chat_id = update.effective_user.id, message.chat_id
        try:
            content = await self._download(document)
        except Exception as exc:
            await self._fail(context.bot, chat_id, user_id, "file", exc)
            return
        fields = {"file_name": document.file_name or "", "text": message.caption or ""}
        event = _event(update, EventKind.FILE, file_bytes=content, **fields)
        if event is not None:
            await self._serve(context.bot, event, "file")

    async def on_unreadable(self, update: Update, context: Context) -> None:
        """A picture, a voice message, a sticker …: say what to send instead (unsupported)."""
        message = update.effective_message
        if message is None or update.effective_user is None:
            return
        kind = _unreadable_kind(message)
        logger.info("user=%d action=%s", update.effective_user.id, kind.value)
        await self._fail(context.bot, message.chat_id, update.effective_user.id, kind.value,
                         refusal(kind))

    async def on_error(self, update: object, context: Context) -> None:
        """Errors that escaped a callback, and polling errors."""
        error = context.error
        user = update.effective_user if isinstance(update, Update) else None
        if isinstance(error, Conflict):
            await _second_poller(context.application, error)
        elif isinstance(error, NetworkError):
            logger.warning("network error: %s", error)
        elif error is not None:
            _log_failure(user.id if user else None, "update", error)

    # -- serving an event ----------------------------------------------------------------------

    async def _serve(
        self,
        bot: Bot,
        event: Event,
        action: str,
        query: CallbackQuery | None = None,
    ) -> None:
        """Run the engine on ``event`` and show its replies; answer ``query`` whatever happens."""
        logger.info("user=%d action=%s", event.user_id, action)
        event = event.model_copy(update={"bot_username": bot.username})  # for share links
        unanswered = query
        answering: asyncio.Task[None] | None = None
        try:
            replies = await self._run_engine(bot, event)
            if query is not None:  # answered while the replies go out, not before them
                unanswered = None
                notice = next((r.notice for r in replies if r.notice), "")
                answering = asyncio.create_task(self._answer(query, notice))
            for reply in replies:
                await self._show(
                    bot, event.chat_id, reply, event.message_id if reply.edit else None
                )
        except Exception as exc:
            if unanswered is not None:
                await self._answer(unanswered, "")
            await self._fail(bot, event.chat_id, event.user_id, action, exc)
        finally:
            if answering is not None:
                await answering  # never raises: a failed answer is only logged

    async def _run_engine(self, bot: Bot, event: Event) -> list[Reply]:
        # a timer, not a task per update: most updates are done long before it fires
        typing = asyncio.get_running_loop().call_later(
            TYPING_DELAY, _show_typing, bot, event.chat_id
        )
        try:
            return await asyncio.to_thread(self.engine.handle, event)
        finally:
            typing.cancel()

    async def _show(self, bot: Bot, chat_id: int, reply: Reply, edit_id: int | None) -> None:
        """Edit the message ``edit_id`` (if any) and send the rest; buttons on the last part."""
        parts = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
        markup = _keyboard(reply.buttons)
        lean = _lean(bot)
        if edit_id is not None and not parts:
            await self._edit_markup(lean, chat_id, edit_id, markup)
        elif edit_id is not None:
            first_markup = markup if len(parts) == 1 else None
            if await self._edit_text(lean, chat_id, edit_id, parts[0], first_markup):
                parts = parts[1:]
        elif not parts and markup is not None:
            logger.warning("chat=%d: a reply with buttons but no text is not shown", chat_id)
        for number, part in enumerate(parts, start=1):
            part_markup = markup if number == len(parts) else None
            params = {"chat_id": chat_id, "text": part, "reply_markup": part_markup}
            await deliver(partial(lean.call, "sendMessage", params), what="sendMessage")
        for document in reply.documents:
            await self._send_document(bot, chat_id, document)

    async def _edit_text(
        self,
        bot: LeanBot,
        chat_id: int,
        message_id: int,
        text: str,
        markup: _Markup | None,
    ) -> bool:
        """Whether the message now shows ``text``; False if it cannot be edited (too old …)."""
        params = {"chat_id": chat_id, "message_id": message_id, "text": text,
                  "reply_markup": markup}
        edit = partial(bot.call, "editMessageText", params)
        try:
            await with_retry(edit, what="editMessageText")
        except BadRequest as exc:
            if not _not_modified(exc):
                logger.info("chat=%d: cannot edit (%s), sending anew", chat_id, exc.message)
                return False
        return True

    async def _edit_markup(
        self, bot: LeanBot, chat_id: int, message_id: int, markup: _Markup | None
    ) -> None:
        params = {"chat_id": chat_id, "message_id": message_id, "reply_markup": markup}
        edit = partial(bot.call, "editMessageReplyMarkup", params)
        try:
            await with_retry(edit, what="editMessageReplyMarkup")
        except BadRequest as exc:
            if not _not_modified(exc):
                logger.info("chat=%d: cannot change the buttons (%s)", chat_id, exc.message)

    async def _send_document(self, bot: Bot, chat_id: int, document: dialogue.Document) -> None:
        caption = _clip(document.caption, MessageLimit.CAPTION_LENGTH) or None
        send = partial(
            bot.send_document,
            chat_id,
            document.content,
            filename=document.filename,
            caption=caption,
        )
        await deliver(send, what="sendDocument")

    async def _answer(self, query: CallbackQuery, notice: str) -> None:
        """Answer a button press (stops the client's spinner); a failure is only logged."""
        text = _clip(notice, CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH) or None
        answer = partial(_lean(query.get_bot()).call, "answerCallbackQuery",
                         {"callback_query_id": query.id, "text": text})
        try:
            await with_retry(answer, what="answerCallbackQuery")
        except TelegramError as exc:
            logger.info("callback query not answered: %s", exc)

    async def _download(self, document: Document) -> bytes:
        """The document's bytes; InputError ``file_too_large`` above :data:`MAX_UPLOAD_BYTES`."""
        _check_size(document.file_size or 0)
        file = await with_retry(document.get_file, what="getFile")
        content = bytes(await with_retry(file.download_as_bytearray, what="download"))
        _check_size(len(content))
        return content

    async def _fail(
        self, bot: Bot, chat_id: int, user_id: int, action: str, exc: Exception
    ) -> None:
        """Tell the user: a PlanbotError in its own words, anything else logged and apologised."""
        if isinstance(exc, PlanbotError) and self.messages.has(exc.message_id):
            logger.info("user=%d action=%s refused: %s", user_id, action, exc.message_id)
            text = self.messages.error(exc)
        else:
            _log_failure(user_id, action, exc)
            text = self.messages.text("internal_error")
        try:
            await deliver(partial(bot.send_message, chat_id, text), what="sendMessage")
        except Exception as again:
            _log_failure(user_id, "apology", again)


def build_application(
    settings: Settings, engine: DialogueEngine, *, polling: bool = True
) -> PlanbotApplication:
    """The bot: PTB Application with our callbacks; start it with ``run_polling`` (or, in tests,
    ``initialize``/``post_init``/``start``/``updater.start_polling``). ``polling=False``: no
    updater, the updates come from elsewhere (a worker process fed by ``bot.adapters.workers``,
    which sets no command menu; the webhook server of ``bot.adapters.webhook``)."""
    adapter = TelegramAdapter(engine, Messages(settings.prompts_dir))
    bot = LeanBot(
        settings.bot_token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        request=AiohttpRequest(REQUEST_POOL, read_timeout=READ_TIMEOUT),
        get_updates_request=AiohttpRequest(1),
        rate_limiter=rate_limiter(settings),
    )
    builder = ApplicationBuilder().bot(bot).concurrent_updates(True).post_init(adapter.post_init)
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    adapter.add_handlers(application)
    return application


def run_polling(settings: Settings, engine: DialogueEngine) -> int:
    """Run the bot until Ctrl-C (long polling); the exit status (:mod:`bot.adapters.conflict`
    when another process polls). Logging is configured by the caller (the CLI)."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines hold the bot token
    application = build_application(settings, engine)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return conflict.EXIT_STATUS if _lean(application.bot).polling_refused else 0


async def _second_poller(application: Application[Any, Any, Any, Any, Any, Any],
                         error: Conflict) -> None:
    """409 Conflict from getUpdates: say so once, stop polling, exit after the grace period."""
    bot = _lean(application.bot)
    if bot.polling_refused:
        return
    bot.refuse_polling()
    conflict.report(error.message)
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    await asyncio.sleep(conflict.GRACE)
    application.stop_running()


# -- helpers ----------------------------------------------------------------------------------


def _event(update: Update, kind: EventKind, **fields: Any) -> Event | None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    return Event(user_id=user.id, chat_id=chat.id, user_name=user.full_name, kind=kind, **fields)


def _unreadable_kind(message: Message) -> Unsupported:
    update = Update(0, message=message)
    return next((kind for test, kind in _UNREADABLE if test.check_update(update)),
                Unsupported.OTHER)


def _parse_command(text: str) -> tuple[str, str, str]:
    """``"/New@planbot 2025 清远市"`` → ``("new", "planbot", "2025 清远市")``."""
    head, *rest = text.split(maxsplit=1)
    name, _, target = head.removeprefix("/").partition("@")
    return name.lower(), target, rest[0] if rest else ""


def _button_action(data: str) -> str:
    """The leading word of a button's data, for logs (the rest may identify a draft)."""
    match = _BUTTON_ACTION.match(data)
    return match.group(0) if match else "?"


def _keyboard(rows: list[list[dialogue.Button]]) -> _Markup | None:
    """An ``InlineKeyboardMarkup`` as the Bot API's JSON (see :class:`LeanBot`)."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": button.text, "callback_data": button.data} for button in row]
            for row in rows
        ]
    }


def _lean(bot: Bot) -> LeanBot:
    if not isinstance(bot, LeanBot):
        raise TypeError(f"the adapter needs the application built by build_application, not {bot}")
    return bot


def _not_modified(exc: BadRequest) -> bool:
    return "not modified" in exc.message.lower()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise InputError(
            "file_too_large", size=_megabytes(size), limit=_megabytes(MAX_UPLOAD_BYTES)
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


_background: set[asyncio.Task[None]] = set()  # tasks nobody awaits, kept until they end


def _show_typing(bot: Bot, chat_id: int) -> None:
    """The engine is still at work after :data:`TYPING_DELAY`: show "typing…" meanwhile."""
    task = asyncio.ensure_future(_send_typing(bot, chat_id))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _send_typing(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        logger.debug("chat action failed: %s", exc)


def _log_failure(user_id: int | None, action: str, exc: BaseException) -> None:
    # The exception's message may quote what the user wrote: log its type and stack only.
    stack = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    logger.error("user=%s action=%s failed: %s\n%s", user_id, action, type(exc).__name__, stack)
