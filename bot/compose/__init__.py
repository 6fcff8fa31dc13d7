"""Composing a plan: who it is for, the clauses rendered and assembled, edited, numbered, linted.

Built on the library (``bot.library``) only. Each module's ``__all__`` names what others use;
``context``, ``plan``, ``assemble`` and ``refine`` are where to start.
"""
