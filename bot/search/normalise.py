"""Normalise text for matching only (what users see is never changed).

NFKC (full-width letters, digits and punctuation become half-width; compatibility forms fold),
traditional → simplified characters (OpenCC ``t2s``), lower case, and every character that is
neither a letter nor a digit becomes a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import opencc

# Han characters (CJK unified ideographs and extension A) and ASCII letters/digits.
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
TOKEN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+")
_NON_WORD = re.compile(r"[\W_]+")


@cache
def _converter() -> Any:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """The matching form of ``text``: NFKC, simplified, lower case, punctuation as spaces."""
    folded = unicodedata.normalize("NFKC", text)
    simplified: str = _converter().convert(folded)
    return _NON_WORD.sub(" ", simplified.lower()).strip()


def runs(text: str) -> list[str]:
    """Han runs and ASCII words of normalised text, in order."""
    return TOKEN_RUN.findall(text)
