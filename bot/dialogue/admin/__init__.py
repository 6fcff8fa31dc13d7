"""Admins in the chat: the menu and the admin list (``_menu``), guided changes of the clause
library and uploaded topic files (``_editor``), the screens of previews, history and statistics
(``_views``). The admin's task in the session is ``bot.dialogue.state.admin``."""

from bot.dialogue.admin._menu import FEATURE

__all__ = ["FEATURE"]
