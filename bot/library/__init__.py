"""The clause library, the ground floor: what the library is and how it is loaded and checked.

=============  ==================================================================================
module         what it holds
=============  ==================================================================================
models         the schema of a topic file and a clause (pydantic): kinds, levels, years, vars
kinds          plan kinds (``snippets/kinds/``) and the roles of a plan's sections
eras           era wording by year (``_eras.yaml``), lint rules (``_lint.yaml``)
templates      the clause template language: the sandboxed Jinja environment, builtin names
loader         load and check a library directory, every problem with file, line, id and field
library        ``Library``: the loaded library, clauses by id, what fits a year and level
=============  ==================================================================================

It imports no other part of bot/ but ``bot.errors``: rendering is ``bot.compose``'s, the admins'
changes are ``bot.curation``'s. Each module's ``__all__`` names what others use.
"""
