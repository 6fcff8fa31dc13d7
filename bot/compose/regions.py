"""Pick one region from what a user typed, or say why not (InputError with the candidates)."""

from __future__ import annotations

from bot.compose.context import Region
from bot.compose.gazetteer import MatchStatus, near_regions, resolve_region
from bot.errors import InputError
from bot.library.models import Level

__all__ = ["MAX_REGION_TEXT", "pick_region"]


MAX_REGION_TEXT = 40


def pick_region(text: str, level: Level | None = None) -> Region:
    """The single region meant by ``text``; ambiguous or unknown names raise InputError."""
    name = text.strip()
    if not name or len(name) > MAX_REGION_TEXT:
        raise InputError("region_empty")
    match = resolve_region(name, level)
    if match.status is MatchStatus.AMBIGUOUS:
        raise InputError("region_ambiguous", name=name,
                         choices="、".join(c.label() for c in match.candidates))
    if not match.candidates:
        near = near_regions(name)
        if near:
            raise InputError("region_unknown_near", name=name,
                             choices="、".join(r.label() for r in near))
        raise InputError("region_unknown_level", name=name)
    return match.candidates[0]
