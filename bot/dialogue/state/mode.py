"""A mode of the dialogue: what the user is doing, one entry of ``Session.modes``.

Each kind of mode has a ``LAYER``: the stack is always in the order of the layers, so a mode
entered over others hides them until it is left (an interview waits under an open draft, a draft
under the text the bot asked for), and the top one is the current mode. A mode is stored under
its ``KEY``, one key per mode (the stack's order is the layers').
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Part(BaseModel):
    """A part of the stored session: plain data, checked on every change."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Mode(Part):
    KEY: ClassVar[str]
    LAYER: ClassVar[int]
