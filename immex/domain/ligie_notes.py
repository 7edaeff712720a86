"""The notes and sources of the bundled LIGIE rate history, as messages of the catalog.

``immex/data/ligie_rate_history.csv`` stores, for each period of a fracción's import rate,
where the rate comes from (``source``: ``DOF 22-04-2024 (temporary)``) and where its dates
come from (``note``: pieces joined by ``"; "``, such as ``entry into force of DOF 18-11-2022:
…``). The builder (:mod:`immex.refdata.ligie_periods`) writes them in English from the
templates declared here, so the stored text and the messages cannot drift apart.

:func:`note_msg` and :func:`source_msg` read a stored string back into a :class:`Msg` (one
template per piece, joined with :func:`~immex.domain.messages.joined`) so that a reader sees it
in their language; the decree's own words quoted in a note (a transitory clause, an acotación)
stay as written. A string is read back only when the message's English is the stored string
exactly; anything else is returned as it is — never a wrong translation.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from functools import cache

from immex.domain.messages import JOIN, Msg, Template, joined

#: how the pieces of a stored note are joined (``ligie_periods._period``)
NOTE_SEP = "; "

# -- notes: the words a field of a note may hold ----------------------------------------------

#: the LIGIE 2022's own start (its transitory Primero leaves the date to SAT)
LIGIE_START = Template(
    "ligie.note.ligie_start",
    "LIGIE 2022 entered into force on a date set by SAT (transitory Primero of the DOF "
    "07-06-2022 decree); that date is not in the bundled text",
)
NOT_STATED = Template("ligie.note.not_stated", "not stated")
HOW_COMPUTED = Template("ligie.note.how.computed", "computed")
HOW_READ = Template("ligie.note.how.read", "read")

# -- notes: the pieces ------------------------------------------------------------------------

NOT_REPRODUCED = Template(
    "ligie.note.not_reproduced", "decree DOF {dof} not reproduced in the text"
)
#: ``why``: LIGIE_START or NOT_STATED
EFFECTIVE_UNKNOWN = Template("ligie.note.effective_unknown", "entry into force of DOF {dof}: {why}")
EFFECTIVE_COMPUTED = Template(
    "ligie.note.effective_computed", "entry into force of DOF {dof} computed: {evidence}"
)
ARTICLE_START = Template("ligie.note.article_start", "from {day}: {evidence}")
ENDS_WITH_INSTRUMENT = Template(
    "ligie.note.ends_with_instrument", "ends when a later instrument enters into force: {clause}"
)
NEVER_IN_FORCE = Template(
    "ligie.note.never_in_force",
    "DOF {dof} set {rate} from {day}, but DOF {next_dof} took effect before",
)
ACOTACION = Template(
    "ligie.note.acotacion", "acotación: “{text}” (the rate applies only to those goods)"
)
TEMPORARY_ENDED = Template("ligie.note.temporary_ended", "temporary rate ended {day}")
END_COMPUTED = Template("ligie.note.end_computed", "end computed from: {evidence}")
END_NOT_STATED = Template(
    "ligie.note.end_not_stated", "temporary rate: its end is not stated in the text"
)
LIGIE_REPLACED = Template(
    "ligie.note.ligie_replaced",
    "the LIGIE 2022 as published said {rate}; DOF {dof} replaced it from the LIGIE's entry "
    "into force",
)
#: ``how``: HOW_COMPUTED or HOW_READ
FRACTION_ADDED = Template(
    "ligie.note.fraction_added", "fracción added by DOF {dof}, in force {day} ({how}: {evidence})"
)
RATE_NOT_STATED = Template(
    "ligie.note.rate_not_stated", "rate before this note not stated in the text"
)

# -- sources ----------------------------------------------------------------------------------

LIGIE_SOURCE = Template("ligie.source.ligie", "LIGIE 2022 (DOF 07-06-2022)")
SOURCE_DOF = Template("ligie.source.dof", "DOF {dof}")
SOURCE_TEMPORARY = Template("ligie.source.temporary", "DOF {dof} (temporary)")
SOURCE_REVOKES = Template("ligie.source.revokes", "DOF {dof} (revokes DOF {target})")
SOURCE_ADDED = Template("ligie.source.added", "DOF {dof} (fracción adicionada)")
SOURCE_TRANSITORY = Template("ligie.source.transitory", "DOF {dof}, transitorio {article}")

# -- reading a stored string back -------------------------------------------------------------

_DOF = r"\d{2}-\d{2}-\d{4}"
_DAY = r"\d{4}-\d{2}-\d{2}"
#: what each field of a piece may hold: a pattern, or the field-less messages it names
_FIELDS: dict[str, str | tuple[Template, ...]] = {
    "dof": _DOF,
    "next_dof": _DOF,
    "target": _DOF,
    "day": _DAY,
    "rate": r".+?",
    "evidence": r".*?",
    "clause": r".+?",
    "text": r"[^”]*",
    "article": r"\w+",
    "why": (LIGIE_START, NOT_STATED),
    "how": (HOW_COMPUTED, HOW_READ),
}

#: the pieces a note is made of (tried in this order on each candidate piece)
NOTE_PIECES: tuple[Template, ...] = (
    LIGIE_START,
    NOT_REPRODUCED,
    EFFECTIVE_UNKNOWN,
    EFFECTIVE_COMPUTED,
    ARTICLE_START,
    ENDS_WITH_INSTRUMENT,
    NEVER_IN_FORCE,
    ACOTACION,
    TEMPORARY_ENDED,
    END_COMPUTED,
    END_NOT_STATED,
    LIGIE_REPLACED,
    FRACTION_ADDED,
    RATE_NOT_STATED,
)
#: the forms a source takes
SOURCES: tuple[Template, ...] = (
    LIGIE_SOURCE,
    SOURCE_DOF,
    SOURCE_TEMPORARY,
    SOURCE_REVOKES,
    SOURCE_ADDED,
    SOURCE_TRANSITORY,
)


@cache
def _pattern(template: Template) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A regular expression matching exactly the English texts ``template`` can make."""
    parts: list[str] = []
    names: list[str] = []
    for literal, field, _spec, _conv in string.Formatter().parse(template.english):
        parts.append(re.escape(literal))
        if field is None:
            continue
        kind = _FIELDS[field]
        if isinstance(kind, tuple):
            kind = "|".join(re.escape(t.english) for t in kind)
        if field in names:  # a field shown twice must read the same
            parts.append(f"(?P={field})")
        else:
            parts.append(f"(?P<{field}>{kind})")
            names.append(field)
    return re.compile("".join(parts), re.DOTALL), tuple(names)


def _read_piece(text: str, templates: Sequence[Template]) -> Msg | None:
    """The message of one template whose English is ``text``, if any."""
    for template in templates:
        pattern, names = _pattern(template)
        found = pattern.fullmatch(text)
        if found is None:
            continue
        params: dict[str, object] = {}
        for name in names:
            value = found.group(name)
            kind = _FIELDS[name]
            if isinstance(kind, tuple):
                params[name] = next(t() for t in kind if t.english == value)
            else:
                params[name] = value
        msg = template(**params)
        if msg == text:
            return msg
    return None


def _read_pieces(tokens: list[str]) -> list[Msg] | None:
    """The pieces of a note split at every ``"; "`` (a piece may hold ``"; "`` itself): the
    shortest pieces first, the first reading that takes the whole note."""
    memo: dict[int, list[Msg] | None] = {len(tokens): []}

    def from_(i: int) -> list[Msg] | None:
        if i in memo:
            return memo[i]
        memo[i] = None
        for j in range(i + 1, len(tokens) + 1):
            piece = _read_piece(NOTE_SEP.join(tokens[i:j]), NOTE_PIECES)
            if piece is None:
                continue
            rest = from_(j)
            if rest is not None:
                memo[i] = [piece, *rest]
                break
        return memo[i]

    # the pieces are read from the end backwards, so the recursion stays shallow
    for start in range(len(tokens) - 1, -1, -1):
        from_(start)
    return from_(0)


@cache
def note_msg(note: str) -> Msg | str:
    """A stored note as a message (its pieces joined), or the note as it is when it does not
    read back exactly."""
    if not note:
        return note
    pieces = _read_pieces(note.split(NOTE_SEP))
    if not pieces:
        return note
    msg = pieces[0] if len(pieces) == 1 else joined(pieces, NOTE_SEP)
    return msg if msg == note else note


@cache
def source_msg(source: str) -> Msg | str:
    """A stored source as a message, or the source as it is when it does not read back."""
    return _read_piece(source, SOURCES) or source


def pieces(note: str) -> list[Msg | str]:
    """The pieces of a note as messages (the note alone when it does not read back)."""
    msg = note_msg(note)
    if isinstance(msg, Msg) and msg.key == JOIN:
        return [msg.params[f"p{i}"] for i in range(len(msg.params) - 1)]
    return [msg] if msg else []


def acotacion(note: str) -> Msg | str | None:
    """The acotación piece of a note (the goods a rate is limited to), if it has one."""
    for piece in pieces(note):
        if isinstance(piece, Msg) and piece.key == ACOTACION.key:
            return piece
    if "acotación" in note:  # a note that does not read back: its text as written
        return note[note.find("acotación") :].split(";")[0]
    return None
