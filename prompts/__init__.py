"""The bot's messages, shipped inside the package as ``bot.prompts`` (see ``bot/shipped.py``)."""
