"""One entry of the change list: where (the label in last year's plan), what (``code``: its
words are ``roll_<code>`` in ``prompts/checking.yaml``), before and after."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Change"]


@dataclass(frozen=True)
class Change:
    place: str  # 三、（二） in last year's plan ("" for the title and the whole plan)
    code: str  # year, era, period, figure, review, merged, unparsed, variant, traditional …
    before: str = ""
    after: str = ""
    params: dict[str, str | int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"place": self.place, "code": self.code, "before": self.before,
                "after": self.after, **self.params}
