"""Every help text of the ``immex`` command tree as a message of the catalog.

Importing this module declares one :class:`~immex.domain.messages.Template` per help text —
key from the command tree (:mod:`immex.cli.language`), English text from the code — so
``python -m immex.reports.i18n`` adds the missing keys and the catalog tests fail until each
has its Spanish (and English) text.
"""

from __future__ import annotations

import typer

from immex.cli.language import help_texts
from immex.cli.main import app
from immex.domain.messages import Template


def declare() -> dict[str, Template]:
    """The help texts of the tree, by key."""
    return {
        key: Template(key, english) for key, english, _ in help_texts(typer.main.get_command(app))
    }


HELP_TEMPLATES = declare()
