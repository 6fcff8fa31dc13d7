"""The parts of the stored session, plain data (no feature's code): the modes of the stack
(``mode.Mode``: interview, view, pending, the /clause question, admin) and the notes kept beside
it (the last deleted item, the /clause results shown). ``bot.dialogue.session`` puts them
together."""
