"""Admins in the chat: the menu, the commands and the feature (``_menu``), guided changes of the
clause library and uploaded topic files, with their screens (``_editor``), the history
(``_history``), the statistics (``_stats``), the admin list (``_admins``), and what their screens
share: previews, problems, summaries (``_views``). The admin's task in the session is
``bot.dialogue.state.admin``."""

from bot.dialogue.admin._menu import FEATURE

__all__ = ["FEATURE"]
