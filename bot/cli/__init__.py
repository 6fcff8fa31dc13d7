"""The ``planbot`` command line (``planbot = bot.cli:main``; usage in ``bot.cli._main``).

=============  ==================================================================================
module         what it holds
=============  ==================================================================================
_main          the parser, the dispatch, user errors translated in one place (exit status 2)
_listing       ``topics``, ``kinds``
_draft         ``draft``: a plan without any chat
_snippets      ``snippets validate|export|import|history|rollback``
_search        ``search``: one query, a batch, the misses
_run           ``run``, ``console``, ``telegram``, ``webhook``
=============  ==================================================================================

A command's module is imported only when it runs, so ``planbot topics`` does not load the bot.
"""

from bot.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
