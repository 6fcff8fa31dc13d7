"""Normalise text for matching only (what users see is never changed).

NFKC (full-width letters, digits and punctuation become half-width; compatibility forms fold),
traditional → simplified characters (OpenCC ``t2s``), lower case, and every character that is
neither a letter nor a digit becomes a space.

NFKC is the costly step on a long Chinese text (about 100 ns a character), almost always for
nothing more than its full-width punctuation (，（）；：). ``fold`` replaces those characters by
their NFKD forms first (``，`` → ``,``), which changes no result: NFKC is canonical composition
of the NFKD form, and replacing a character by its own full decomposition leaves the NFKD form
as it was. What is left is then usually NFKC already, which ``unicodedata.normalize`` sees with
its quick check and returns as it is; anything else still goes through the full NFKC.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import opencc

__all__ = ["HAN_RUN", "fold", "normalise", "runs"]


# Han characters (CJK unified ideographs and extension A) and ASCII letters/digits.
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
TOKEN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_NON_WORD = re.compile(r"[\W_]+")
# Characters common in Chinese text whose NFKC form differs (full-width punctuation and
# signs, the ideographic space), with their NFKD forms; see ``fold``.
_FULL_WIDTH = tuple(
    (char, unicodedata.normalize("NFKD", char)) for char in "，；：！？（）％＋－／～\u3000"
)


@cache
def _converter() -> Any:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """The matching form of ``text``: NFKC, simplified, lower case, punctuation as spaces."""
    folded = fold(text)
    simplified: str = _converter().convert(folded)
    return _NON_WORD.sub(" ", simplified.lower()).strip()


def fold(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster on text with full-width punctuation."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char, plain in _FULL_WIDTH:
        if char in text:
            text = text.replace(char, plain)
    return unicodedata.normalize("NFKC", text)


def runs(text: str) -> list[str]:
    """Han runs and ASCII words of normalised text, in order."""
    return TOKEN_RUN.findall(text)
