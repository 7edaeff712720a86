"""The import summary's flags: pedimento lines of temporary imports whose fracción is in
Annex I or II of the IMMEX Decree on their entry date (RULES I-5, I-10).

A line already imported is history: it is accepted and stored like any other, and the
summary says which lines are in an annex, under which entry, source and confidence — the
balance, the expiry radar and the month reports flag the lots again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from immex.domain.codes import format_pedimento
from immex.domain.immex_annex import AnnexBook, AnnexFlag
from immex.domain.messages import Msg, Template

#: groups (fracción and entry, one message each) listed at most; the total is always said
MAX_GROUPS = 20
#: lines named in one group's note at most
MAX_LINES = 5

FLAGGED_TOTAL = Template(
    "annex.import.total",
    "{file}: {lines} temporary-import line with a fracción in Annex I/II of the IMMEX Decree "
    "on its entry date: accepted as history, flagged here and in the balance, the expiry "
    "radar and the month reports",
    "{file}: {lines} temporary-import lines with a fracción in Annex I/II of the IMMEX Decree "
    "on their entry date: accepted as history, flagged here and in the balance, the expiry "
    "radar and the month reports",
    count="lines",
)
FLAGGED_GROUP = Template(
    "annex.import.group",
    "{file}: {lines} (pedimento {pedimentos}), fracción {fraccion}: {message}",
)
#: the lines of a group ("line 3", "lines 3, 4, 5 … (+2)"): the form follows ``n``, the count
LINES = Template("annex.import.lines", "line {lines}", "lines {lines}")
MORE_GROUPS = Template(
    "annex.import.more",
    "{file}: {more} more group of flagged lines (see `immex balance`)",
    "{file}: {more} more groups of flagged lines (see `immex balance`)",
    count="more",
)


def flagged_lots(
    book: AnnexBook, rows: Sequence[tuple[Any, ...]], columns: tuple[int, int, int, int, int]
) -> list[tuple[int, str, AnnexFlag]]:
    """``(line, pedimento, flag)`` of every flagged row; ``columns`` are the positions of the
    pedimento, clave, entry date (ISO text or date), fracción and source line in a row."""
    i_ped, i_key, i_day, i_frac, i_line = columns
    cache: dict[tuple[str, str, str], AnnexFlag | None] = {}
    out: list[tuple[int, str, AnnexFlag]] = []
    for row in rows:
        day = row[i_day]
        if day is None or not row[i_frac]:
            continue
        key = (str(row[i_key]), str(row[i_frac]), str(day)[:10])
        if key not in cache:
            cache[key] = book.lot_flag(key[0], key[1], date.fromisoformat(key[2]))
        flag = cache[key]
        if flag is not None:
            out.append((int(row[i_line]), str(row[i_ped]), flag))
    return out


def import_notes(name: str, flagged: Sequence[tuple[int, str, AnnexFlag]]) -> list[Msg]:
    """The summary's notes: the total, then one note per fracción and message."""
    if not flagged:
        return []
    groups: dict[tuple[str, str], list[tuple[int, str, AnnexFlag]]] = {}
    for item in sorted(flagged, key=lambda x: x[0]):
        groups.setdefault((item[2].fraccion, str(item[2].message)), []).append(item)
    notes = [FLAGGED_TOTAL(file=name, lines=len(flagged))]
    for items in list(groups.values())[:MAX_GROUPS]:
        lines = ", ".join(str(line) for line, _p, _f in items[:MAX_LINES])
        if len(items) > MAX_LINES:
            lines += f" … (+{len(items) - MAX_LINES})"
        peds = ", ".join(dict.fromkeys(format_pedimento(p) for _l, p, _f in items[:MAX_LINES]))
        flag = items[0][2]
        notes.append(FLAGGED_GROUP(file=name, lines=LINES(lines=lines, n=len(items)),
                                   pedimentos=peds,
                                   fraccion=flag.fraccion, message=flag.message))  # fmt: skip
    if len(groups) > MAX_GROUPS:
        notes.append(MORE_GROUPS(file=name, more=len(groups) - MAX_GROUPS))
    return notes
