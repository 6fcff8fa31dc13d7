"""The clause library, shipped inside the package as ``bot.snippets`` (see ``bot/shipped.py``)."""
