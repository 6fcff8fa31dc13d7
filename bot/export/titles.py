"""A long title broken into lines between words (GB/T 9704-2012 7.3.2: 词意完整, 排列对称,
梯形或菱形).

Usage::

    from bot.export.titles import break_title
    break_title("黔东南苗族侗族自治州教育局2026年学校安全工作计划", words)
    # ['黔东南苗族侗族自治州教育局', '2026年学校安全工作计划']

``words`` cuts a run of Han characters into words (``bot.search.segment.Segmenter.words``:
jieba's dictionary and our user dictionary); ``shipped_words`` builds one over the shipped user
dictionary the first time a title is too long for one line, so the segmenter is loaded only when
a title needs it. Lines break only between words; a number stays with the unit that follows it
(2026年), brackets with what they enclose, and no line starts with closing punctuation or ends
with opening punctuation. Of the ways that fit the line, the one with the most even lengths wins,
then a trapezoid or diamond over an hourglass, then breaks after the bureau's name or before
关于/《 over breaks between two ordinary words.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations, pairwise

from bot.export.options import WordCut

__all__ = ["LINE_UNITS", "WordCut", "break_title", "line_width", "shipped_words", "tokens",
           "width"]

# 2号 (22 pt) characters in the 156 mm type area: 20, less one for the space Word, WPS and
# LibreOffice put between Chinese characters and digits and for a face whose digits are wider
LINE_UNITS = 19.0
DIGIT_SPACE = 0.25  # an em between a Chinese character and a digit or letter
MAX_LINES = 4
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_OPENING = "《（(“‘〔["
_CLOSING = "》）)”’〕]、，。；：！？"
_UNITS = "年月日号届期"
_GOOD_AFTER = ("》", "局", "厅", "委员会", "年", "）")
_GOOD_BEFORE = ("关于", "《", "（", "印发", "转发")
_BAD_AFTER = ("关于", "印发", "转发", "的")
# a bureau's kind after its region's name, kept on one line: 教育和体育局, 教育科技局 …
_BUREAU_KIND = re.compile(r"教育(?:[和与])?(?:体育|科技|科学技术|文化|卫生|旅游)*(?:局|厅|委员会)")
_WEAK_PENALTY = 1.0  # a break between two ordinary words, against one at a phrase boundary
_BAD_PENALTY = 6.0  # a break that parts words read together: 关于 / 印发
_EXTRA_LINE_PENALTY = 3.0  # a line more than the fewest the title needs
_SHAPE_PENALTY = 4.0  # an hourglass (a short line between longer ones)


def width(text: str) -> float:
    """The width of ``text`` in full-width characters (digits and Latin letters are half)."""
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def line_width(text: str) -> float:
    """The width of a title line as set: ``width`` and the spaces around its runs of digits."""
    joins = sum(1 for a, b in pairwise(text)
                if (ord(a) < 0x2000) != (ord(b) < 0x2000) and not (a + b).isspace())
    return width(text) + DIGIT_SPACE * joins


def tokens(title: str, words: WordCut) -> list[str]:
    """The title cut into pieces no line may break inside."""
    pieces: list[str] = []
    pos = 0
    for match in _HAN_RUN.finditer(title):
        pieces.extend(_glyphs(title[pos:match.start()]))
        pieces.extend(words(match.group(0)))
        pos = match.end()
    pieces.extend(_glyphs(title[pos:]))
    return _keep_whole(_glue([p for p in pieces if p]), _BUREAU_KIND)


def _keep_whole(pieces: list[str], pattern: re.Pattern[str]) -> list[str]:
    """Pieces joined where a break would fall inside a match of ``pattern``."""
    text = "".join(pieces)
    inside = {pos for m in pattern.finditer(text) for pos in range(m.start() + 1, m.end())}
    out: list[str] = []
    end = 0
    for piece in pieces:
        if out and end in inside:
            out[-1] += piece
        else:
            out.append(piece)
        end += len(piece)
    return out


def _glyphs(text: str) -> list[str]:
    """A run of non-Han characters: digits and letters as one piece, punctuation one by one."""
    return re.findall(r"[0-9A-Za-z.\-]+|\s+|.", text)


def _glue(pieces: list[str]) -> list[str]:
    """Join what must stay together: a number and its unit, punctuation and its neighbour."""
    out: list[str] = []
    for piece in pieces:
        if out and _joins_previous(out[-1], piece):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _joins_previous(previous: str, piece: str) -> bool:
    if previous[-1] in _OPENING or piece[0] in _CLOSING:
        return True
    if previous[-1].isdigit() and (piece[0] in _UNITS or piece[0].isdigit() or piece[0] == "—"):
        return True
    return piece.isspace() or previous.isspace()


def break_title(title: str, words: WordCut, units: float = LINE_UNITS,
                bureau: str = "") -> list[str]:
    """The title as lines of at most ``units`` wide, broken between words, balanced."""
    if line_width(title) <= units:
        return [title]
    pieces = tokens(title, words)
    best: tuple[float, list[str]] | None = None
    best_count = 0  # the fewest lines that fit
    first = max(2, int(line_width(title) // units) + (line_width(title) % units > 0))
    for count in range(first, min(MAX_LINES, len(pieces)) + 1):
        if best is not None and count > best_count + 1:
            break  # one line more than the fewest that fit, at most
        for cuts in combinations(range(1, len(pieces)), count - 1):
            lines = _lines(pieces, cuts)
            if any(line_width(line) > units for line in lines):
                continue
            cost = _cost(lines, bureau) + _EXTRA_LINE_PENALTY * (count - first)
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None and best_count == 0:
            best_count = count
    if best is not None:
        return best[1]
    return _greedy(pieces, units)


def _lines(pieces: list[str], cuts: tuple[int, ...]) -> list[str]:
    bounds = (0, *cuts, len(pieces))
    return ["".join(pieces[a:b]).strip() for a, b in pairwise(bounds)]


def _cost(lines: list[str], bureau: str) -> float:
    widths = [line_width(line) for line in lines]
    mean = sum(widths) / len(widths)
    cost = sum((w - mean) ** 2 for w in widths) / 4
    if any(a > b < c for a, b, c in zip(widths, widths[1:], widths[2:], strict=False)):
        cost += _SHAPE_PENALTY  # a dip in the middle: neither trapezoid nor diamond
    for upper, lower in pairwise(lines):
        if upper.endswith(_BAD_AFTER):
            cost += _BAD_PENALTY
        elif not _strong_break(upper, lower, bureau):
            cost += _WEAK_PENALTY
    return cost


def _strong_break(upper: str, lower: str, bureau: str) -> bool:
    if bureau and upper.endswith(bureau):
        return True
    return upper.endswith(_GOOD_AFTER) or lower.startswith(_GOOD_BEFORE)


def _greedy(pieces: list[str], units: float) -> list[str]:
    """More lines than ``MAX_LINES`` (or a word wider than a line): fill each line in turn."""
    lines = [""]
    for piece in pieces:
        if lines[-1] and line_width(lines[-1] + piece) > units:
            lines.append("")
        lines[-1] += piece
    return [line.strip() for line in lines]


@cache
def shipped_words() -> WordCut:
    """For a caller with no segmenter of its own: the search's segmenter over a jieba tokenizer
    with the shipped user dictionary (jieba keeps its cache where it does by itself), built
    once, at the first title too long for a line (about a second)."""
    from bot.search.segment import Segmenter, jieba_tokenizer
    from bot.shipped import shipped_dir

    userdict = shipped_dir("snippets") / "_userdict.txt"
    return Segmenter(jieba_tokenizer(None, userdict if userdict.is_file() else None)).words
