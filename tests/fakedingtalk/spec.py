"""The documented fields of the DingTalk calls and messages the fake server checks.

From the DingTalk Open Platform docs and the official Stream SDK (open-dingtalk/
dingtalk-stream-sdk-python): ``connections/open`` takes clientId, clientSecret, subscriptions
(type, topic) and answers endpoint and ticket; a stream frame is {specVersion, type, headers,
data}, acknowledged with {code, headers: {contentType, messageId}, message, data}; robot
messages are sent with robotCode, msgKey and msgParam (a JSON string) to userIds (batchSend) or
an openConversationId (groupMessages/send); msgParam's keys are those of the msgKey's template.
"""

from __future__ import annotations

from typing import Any

ACCESS_TOKEN = frozenset({"appKey", "appSecret"})
CONNECTIONS_OPEN = frozenset({"clientId", "clientSecret", "subscriptions"})
CONNECTIONS_OPEN_OPTIONAL = frozenset({"ua", "localIp"})
SUBSCRIPTION_TYPES = frozenset({"EVENT", "CALLBACK"})
TO_USER = frozenset({"robotCode", "userIds", "msgKey", "msgParam"})
TO_GROUP = frozenset({"robotCode", "openConversationId", "msgKey", "msgParam"})
DOWNLOAD = frozenset({"downloadCode", "robotCode"})
ACK = frozenset({"code", "headers", "message", "data"})

MARKDOWN_LIMIT = 5000  # characters of a sampleMarkdown / ActionCard text
TITLE_LIMIT = 50


def _card(buttons: int) -> frozenset[str]:
    numbered = {f"action{what}{n}" for n in range(1, buttons + 1) for what in ("Title", "URL")}
    return frozenset({"title", "text", *numbered})


# msgKey → the keys its msgParam must have (all required)
TEMPLATES: dict[str, frozenset[str]] = {
    "sampleText": frozenset({"content"}),
    "sampleMarkdown": frozenset({"title", "text"}),
    "sampleActionCard": frozenset({"title", "text", "singleTitle", "singleURL"}),
    **{f"sampleActionCard{n}": _card(n) for n in range(2, 7)},
    "sampleFile": frozenset({"mediaId", "fileName", "fileType"}),
}

SEND_LINK = "dtmd://dingtalkclient/sendMessage?content="


def missing_or_extra(body: dict[str, Any], required: frozenset[str],
                     optional: frozenset[str] = frozenset()) -> list[str]:
    """Problems with the keys of ``body``: missing required ones, unknown ones."""
    problems = [f"missing {key}" for key in sorted(required - body.keys())]
    problems += [f"unknown {key}" for key in sorted(body.keys() - required - optional)]
    return problems
