"""Reading the LIGIE Tarifa out of the PDF-extracted consolidated text.

The Cámara de Diputados PDF is a table (code | description | unit | import | export) whose
description cells are vertically centred on the code: a cell's text is wrapped *before and after*
the code line, rate-history notes sit at the end of the cell, long specific duties wrap in the
rate column, and page furniture interrupts everything. This module turns the text into one
:class:`RawItem` per code line (heading, subheading, group label, fraction) with its cell text.

Splitting the free lines between two code lines (what ends the previous cell, what starts the
next) is solved for the whole chapter at once with a small dynamic program that balances each
cell around its code line (centred layout) and prefers splits where the previous text is a
finished sentence and the next one starts like a description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: page furniture (headers/footers repeated on every page) and table headers
_FURNITURE = [
    re.compile(r"^\d+ de \d+$"),
    re.compile(r"^LEY DE LOS IMPUESTOS GENERALES DE IMPORTACIÓN Y DE EXPORTACIÓN$"),
    re.compile(r"^CÁMARA DE DIPUTADOS DEL H\. CONGRESO DE LA UNIÓN.*$"),
    re.compile(r"^Secretaría General$"),
    re.compile(r"^Secretaría de Servicios Parlamentarios$"),
    re.compile(r"^_{5,}$"),
]
_TABLE_HEADER = {
    "CUOTA (ARANCEL)",
    "CÓDIGO DESCRIPCIÓN UNIDAD IMPUESTO IMPUESTO",
    "CÓDIGO DESCRIPCIÓN UNIDAD",
    "IMPUESTO IMPUESTO",
    "DE IMP. DE EXP.",
}
_PAGE = re.compile(r"^(\d+) de \d+$")
_SECTION = re.compile(r"^Sección ([IVXL]+)$")
_CHAPTER = re.compile(r"^Capítulo (\d{2})(?: \(Sic DOF [\d-]+\))?$")
_SUBCHAPTER = re.compile(r"^SUBCAPÍTULO [IVXL]+$")

_FRAC = re.compile(r"^(\d{4}\.\d{2}\.\d{2})(?=\s|$)\s*(.*)$")
_FRAC_REFERENCE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(?:,| y | a la )")
_SUB = re.compile(r"^(\d{4}\.\d{2})(?=\s|$)\s*(-*)\s*(.*)$")
_HEAD = re.compile(r"^(\d{2}\.\d{2})(?=\s|$)\s*(.*)$")
_HEAD_REFERENCE = re.compile(r"^\d{2}\.\d{2}(?:,\s*\d|\s(?:o|y|u|a|a la)\s\d{2}\.\d{2}|\)|;|\.)")
_GROUP = re.compile(r"^(-{1,3})(?:\s+(.*))?$")

#: units of measure found in the UMT column
UMTS = {
    "Kg",
    "Pza",
    "M²",
    "M2",
    "L",
    "Par",
    "M³",
    "M3",
    "Cbza",
    "G",
    "CARAT",
    "Mll",
    "M",
    "Barr",
    "KWH",
    "Jgo",
    "Kit",
    "Prohibida",
}
_SIMPLE_RATE = re.compile(r"^(?:Ex\.?|\d+(?:\.\d+)?|Prohibida)$")

#: pieces of a specific/mixed duty wrapped in the rate column ("AMX", "(20%+0.36", "Dls por Kg"…)
_FRAGMENT_LINE = re.compile(
    r"^(?:AMX|AE|AE \(\d+(?:\.\d+)? Dls|\(\d+(?:\.\d+)?%\+\d+(?:\.\d+)?(?: Dls)?|Dls por Kg(?: de)?"
    r"|de azúcar\)|azúcar\)|EUA por Kg\)|por Kg\)|por Kg de|EUA por|Pza\)|EUA)$"
)
_FRAGMENT_SUFFIX = re.compile(
    r"\s+(AMX|\(\d+(?:\.\d+)?%\+\d+(?:\.\d+)?(?: Dls)?|Dls por Kg(?: de)?|de azúcar\)|azúcar\))$"
)

NOTE_START = re.compile(
    r"(Arancel modificado|Arancel “eliminado”|Arancel \"eliminado\"|Arancel con facilidades"
    r"|Modificación DOF|Descripción modificada|Descripción de la fracción reformada"
    r"|Fracción adicionada|Fracción reformada|Código reformado|\(antes Imp|\(se mantiene"
    r"|\[antes Imp)"
)
_NOTE_CONT = re.compile(r"^(?:\(antes|\(se |\[antes|mantiene|Imp\.|DOF \d|\d{4} \(|“|temporal)")
_CONNECTOR_END = re.compile(
    r"(?:[,;\-]|\b(?:de|del|la|las|los|el|y|o|u|a|al|en|con|para|por|sin|que|e|incluso|excepto"
    r"|entre|sobre|superior|inferior|igual|sus|su|un|una|arancelaria|arancelarias|partida|partidas"
    r"|subpartida|subpartidas|fracción|fracciones|(?:\(antes)|(?:\(se))|DOF \d\d-\d\d-)$"
)


@dataclass
class TextLine:
    lineno: int
    text: str
    page: int


@dataclass
class RawItem:
    kind: str  # "heading" | "subheading" | "group" | "fraction"
    code: str  # dotted code ("01.01", "0101.21", "0101.21.01"); "" for groups
    lineno: int
    page: int
    own: str  # text on the code line (description part, rates removed)
    section: str
    chapter: str
    chapter_title: str
    umt: str = ""
    import_frag: str = ""  # import rate text on the code line (may be partial)
    export_rate: str = ""
    lead: list[TextLine] = field(default_factory=list)
    trail: list[TextLine] = field(default_factory=list)
    rate_fragments: list[TextLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        """The cell's text lines in reading order."""
        own = [self.own] if self.own else []
        return [t.text for t in self.lead] + own + [t.text for t in self.trail]


@dataclass
class Unparsed:
    lineno: int
    text: str
    reason: str


def _is_furniture(line: str) -> bool:
    return any(p.match(line) for p in _FURNITURE)


def tariff_lines(text: str) -> tuple[list[TextLine | tuple[str, str, str]], list[Unparsed]]:
    """The Tarifa's table lines (furniture removed) with chapter markers between chapters.

    Returns a list mixing ``TextLine`` and ``("chapter", section, chapter_no)`` markers; the
    chapter title and notes are skipped (from ``Capítulo NN`` to the table header).
    """
    raw = text.split("\n")
    start = next(i for i, ln in enumerate(raw) if ln.strip() == "TARIFA")
    end = next(i for i, ln in enumerate(raw) if ln.startswith("Artículo 2o.-"))
    out: list[TextLine | tuple[str, str, str]] = []
    skipped: list[Unparsed] = []
    page = 1
    in_table = False
    caps = False
    section = ""
    for idx in range(start + 1, end):
        line = raw[idx].strip()
        m = _PAGE.match(line)
        if m:
            page = int(m.group(1)) + 1
            continue
        if not line or _is_furniture(line):
            continue
        m = _SECTION.match(line)
        if m:
            section, in_table = m.group(1), False
            continue
        m = _CHAPTER.match(line)
        if m:
            title = raw[idx + 1].strip()
            out.append(("chapter", section, m.group(1) + "\t" + title))
            in_table = False
            continue
        if line in _TABLE_HEADER:
            in_table = True
            continue
        if _SUBCHAPTER.match(line):
            caps = True
            continue
        if caps:
            if line.upper() == line and not line[:1].isdigit() and not line.startswith("-"):
                continue
            caps = False
        if in_table:
            out.append(TextLine(idx + 1, line, page))
        elif _FRAC.match(line) and not _FRAC_REFERENCE.match(line):
            skipped.append(Unparsed(idx + 1, line, "fraction-like line outside a tariff table"))
    return out, skipped


def _split_code_tail(rest: str) -> tuple[str, str, str, str] | None:
    """``desc UMT IMP EXP`` → (desc, umt, import_fragment, export); None when no unit found."""
    tokens = rest.split()
    if not tokens:
        return None
    exp = tokens[-1]
    if not _SIMPLE_RATE.match(exp):
        return None
    if exp == "Ex":
        exp = "Ex."
    # rightmost unit token left of the export rate; what lies between is the import rate
    if len(tokens) >= 3 and tokens[-3:] == ["Prohibida"] * 3:
        return " ".join(tokens[:-3]), "Prohibida", "Prohibida", "Prohibida"
    for j in range(len(tokens) - 2, -1, -1):
        if tokens[j] in UMTS and tokens[j] != "Prohibida":
            imp = " ".join(tokens[j + 1 : -1])
            if imp == "Ex":
                imp = "Ex."
            return " ".join(tokens[:j]), tokens[j], imp, exp
        if len(tokens) - 1 - j > 4:
            break
    return None


def _item(
    entry: TextLine, kind: str, code: str, own: str, section: str, chapter: str, title: str
) -> RawItem:
    return RawItem(
        kind,
        code,
        entry.lineno,
        entry.page,
        own,
        section=section,
        chapter=chapter,
        chapter_title=title,
    )


def classify(
    items_src: list[TextLine | tuple[str, str, str]],
) -> tuple[list[list[RawItem | TextLine]], list[Unparsed]]:
    """Group lines by chapter; code lines become RawItems, everything else stays TextLine."""
    chapters: list[list[RawItem | TextLine]] = []
    problems: list[Unparsed] = []
    section = chapter = title = ""
    heading = subheading = ""
    current: list[RawItem | TextLine] = []
    for entry in items_src:
        if isinstance(entry, tuple):
            if current:
                chapters.append(current)
            current = []
            section = entry[1]
            chapter, title = entry[2].split("\t", 1)
            heading = subheading = ""
            continue
        line = entry.text
        m = _FRAC.match(line)
        tail = None
        if m:
            rest = re.sub(r"^-+\s*", "", m.group(2))
            tail = _split_code_tail(rest)
            if tail is None and rest and _FRAC_REFERENCE.match(line):
                m = None  # "8701.94.05 y 8701.95.01." continues a description
        if m:
            code = m.group(1)
            item = _item(entry, "fraction", code, "", section, chapter, title)
            if tail is None:
                item.own = rest
                item.problems.append("no unit/rates on the code line")
            else:
                item.own, item.umt, item.import_frag, item.export_rate = tail
            if code[:7] != subheading:
                item.problems.append(
                    f"fraction outside its subheading (last subheading {subheading})"
                )
            current.append(item)
            continue
        m = _SUB.match(line)
        if (
            m
            and m.group(1)[:4] == heading.replace(".", "")
            and (m.group(2) or m.group(1).endswith(".00") or not m.group(3))
            and m.group(1) > subheading
        ):
            subheading = m.group(1)
            current.append(
                _item(entry, "subheading", m.group(1), m.group(3), section, chapter, title)
            )
            continue
        m = _HEAD.match(line)
        if (
            m
            and m.group(1)[:2] == chapter
            and m.group(1) > heading
            and not _HEAD_REFERENCE.match(line)
        ):
            heading = m.group(1)
            current.append(_item(entry, "heading", m.group(1), m.group(2), section, chapter, title))
            continue
        m = _GROUP.match(line)
        if m:
            current.append(_item(entry, "group", "", m.group(2) or "", section, chapter, title))
            continue
        current.append(entry)
    if current:
        chapters.append(current)
    return chapters, problems


# ---------------------------------------------------------------------------------------------
# splitting free lines between cells


def _starts_like_description(text: str) -> bool:
    if re.match(r"^\d{4}\.\d{2}", text):
        return False  # a code reference continues the previous description
    c = text[0]
    return c.isupper() or c.isdigit() or c in "(\"“«'¿[" or c in "αβγδωΔ"


def _boundary_cost(prev_end: str | None, first: str | None) -> float:
    cost = 0.0
    if first is not None:
        if NOTE_START.match(first) or _NOTE_CONT.match(first):
            cost += 6.0
        elif not _starts_like_description(first):
            cost += 3.0
    if prev_end is not None:
        if _CONNECTOR_END.search(prev_end):
            cost += 3.0
        elif not re.search(r"[.:)\]”]$", prev_end):
            cost += 1.5
    return cost


def _balance_cost(item: RawItem, lead: list[TextLine], trail: list[TextLine]) -> float:
    b = sum(1 for t in lead if t.page == item.page)
    a = sum(1 for t in trail if t.page == item.page)
    if item.own:
        if a - b in (0, 1):
            return 0.0
        return float(min(abs(a - b), abs(a - b - 1)))
    return float(abs(a - b))


def assign_cells(chapter: list[RawItem | TextLine]) -> list[RawItem]:
    """Attach every free line of a chapter to the cell before or after it (Viterbi)."""
    items: list[RawItem] = []
    gaps: list[list[TextLine]] = [[]]
    for entry in chapter:
        if isinstance(entry, RawItem):
            items.append(entry)
            gaps.append([])
        else:
            gaps[-1].append(entry)
    if not items:
        return []
    # pull wrapped rate-column pieces out of the gaps first
    frag_gaps: list[list[TextLine]] = []
    for g in range(len(gaps)):
        near = items[max(g - 1, 0) : g + 1]
        if not any(needs_import(it) for it in near):
            frag_gaps.append([])
            continue
        keep: list[TextLine] = []
        frags: list[TextLine] = []
        for t in gaps[g]:
            prev = keep[-1].text if keep else ""
            if _FRAGMENT_LINE.match(t.text) and not re.search(r"(?:Dls|EUA|\(antes)$", prev):
                frags.append(t)
            else:
                keep.append(t)
        frag_gaps.append(frags)
        gaps[g] = keep
    n = len(items)
    # gaps[0] -> lead of items[0]; gaps[i] (1..n-1) split between items[i-1], items[i];
    # gaps[n] -> trail of items[n-1]
    # state for gap i (1..n-1): s in 0..len(gaps[i]); cost accumulates per item.
    inf = float("inf")
    choices: list[list[int]] = [[0]]  # gap 0: everything is lead (s=0)
    for i in range(1, n):
        choices.append(list(range(len(gaps[i]) + 1)))
    choices.append([len(gaps[n])])  # last gap: everything is trail

    def prev_end(i: int, s: int) -> str | None:
        """Last text of items[i-1]'s cell if gap i is split at s."""
        if s > 0:
            return gaps[i][s - 1].text
        p = items[i - 1]
        if p.own:
            return p.own
        return None

    def first_text(i: int, s: int) -> str | None:
        if s < len(gaps[i]):
            return gaps[i][s].text
        nxt = items[i]
        return nxt.own or None

    # dp over gaps: best[i][s] = min cost up to gap i with split s
    best: list[dict[int, float]] = [{0: 0.0}]
    back: list[dict[int, int]] = [{}]
    for i in range(1, n + 1):
        cur: dict[int, float] = {}
        bk: dict[int, int] = {}
        item = items[i - 1]
        for s in choices[i]:
            bcost = 0.0 if i == n else _boundary_cost(prev_end(i, s), first_text(i, s))
            trail = gaps[i][:s]
            best_v, best_p = inf, 0
            for ps, pv in best[i - 1].items():
                lead = gaps[i - 1][ps:]
                v = pv + _balance_cost(item, lead, trail)
                if v < best_v:
                    best_v, best_p = v, ps
            cur[s] = best_v + bcost
            bk[s] = best_p
        best.append(cur)
        back.append(bk)
    # backtrack
    splits = [0] * (n + 1)
    splits[n] = min(best[n], key=lambda k: best[n][k])
    for i in range(n, 0, -1):
        splits[i - 1] = back[i][splits[i]]
    for i, item in enumerate(items):
        item.lead = gaps[i][splits[i] :]
        item.trail = gaps[i + 1][: splits[i + 1]]
    # rate fragments: a run starting with AMX/AE opens a new duty; attach to fractions that need one
    for g, frags in enumerate(frag_gaps):
        if not frags:
            continue
        before = items[g - 1] if g >= 1 else None
        after = items[g] if g < n else None
        cut = len(frags)
        for k, t in enumerate(frags):
            if re.match(r"^(AMX|AE)\b", t.text):
                cut = k
                break
        for part, first, second in ((frags[:cut], before, after), (frags[cut:], after, before)):
            if not part:
                continue
            target = first if first is not None and needs_import(first) else second
            if target is None or not needs_import(target):
                target = first or second
                if target is not None:
                    target.problems.append(
                        "stray rate-column text: " + " ".join(t.text for t in part)
                    )
                continue
            target.rate_fragments.extend(part)
    return items


def needs_import(item: RawItem) -> bool:
    return item.kind == "fraction" and not _SIMPLE_RATE.match(item.import_frag or "-")


_SUBSCRIPTS = re.compile(r"^\d{1,2}(?: \d{1,2})*$")
_SLOT = re.compile(r"([A-Z][a-z]?) (?=[A-Z][a-z]?\b|[);.,(]|y\b|$)")


def place_subscripts(item: RawItem) -> None:
    """Chemical subscripts ("P O " + a line "2 5") extracted on their own line: put them back.

    Subscripts that cannot be placed unambiguously are removed and reported.
    """
    cell = [
        *item.lead,
        *([TextLine(item.lineno, item.own, item.page)] if item.own else []),
        *item.trail,
    ]
    for k, t in enumerate(cell):
        if not _SUBSCRIPTS.match(t.text) or t.text.isdigit() and len(cell) == 1:
            continue
        numbers = t.text.split()
        placed = False
        for j in (k - 1, k + 1):
            if not 0 <= j < len(cell) or _SUBSCRIPTS.match(cell[j].text):
                continue
            slots = list(_SLOT.finditer(cell[j].text))
            if len(slots) == len(numbers):
                text = cell[j].text
                for m, num in zip(reversed(slots), reversed(numbers), strict=True):
                    text = text[: m.end(1)] + num + text[m.end(1) + 1 :]
                _replace(item, cell[j], text)
                placed = True
                break
        _replace(item, t, "")
        if not placed:
            item.problems.append(
                f"chemical subscripts {t.text!r} (line {t.lineno}) could not be "
                "placed in the formula; removed from the description"
            )


def _replace(item: RawItem, line: TextLine, text: str) -> None:
    if line.lineno == item.lineno and line.text == item.own:
        item.own = text
        return
    for group in (item.lead, item.trail):
        for k, t in enumerate(group):
            if t is line or (t.lineno == line.lineno and t.text == line.text):
                group[k] = TextLine(t.lineno, text, t.page)
                return


def find_tail_in_cell(item: RawItem) -> None:
    """A bare code line whose unit and rates were extracted on a neighbouring line."""
    if item.kind != "fraction" or item.umt:
        return
    for group in (item.lead, item.trail):
        for k, t in enumerate(group):
            tail = _split_code_tail(t.text)
            if tail is not None:
                desc, item.umt, item.import_frag, item.export_rate = tail
                group[k] = TextLine(t.lineno, desc, t.page)
                item.problems = [p for p in item.problems if "no unit/rates" not in p]
                return


def strip_suffix_fragments(item: RawItem) -> None:
    """Rate pieces glued to the end of description lines (only for cells that need a duty)."""
    if not needs_import(item):
        return
    for group in (item.lead, item.trail):
        for k, t in enumerate(group):
            m = _FRAGMENT_SUFFIX.search(t.text)
            if m:
                group[k] = TextLine(t.lineno, t.text[: m.start()], t.page)
                item.rate_fragments.append(TextLine(t.lineno, m.group(1), t.page))


def join_lines(lines: list[str]) -> str:
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if not out:
            out = ln
        elif re.search(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]-$", out) and ln[:1].islower():
            out += ln
        else:
            out += " " + ln
    out = re.sub(r"(\b\d{2}-\d{2}-) (\d{4}\b)", r"\1\2", out)
    return re.sub(r"\s+", " ", out).strip()


def split_notes(text: str) -> tuple[str, str]:
    """(description, notes) — notes start at the first rate-history keyword."""
    m = NOTE_START.search(text)
    if not m:
        return text.strip(), ""
    return text[: m.start()].strip(), text[m.start() :].strip()


def parse_text(text: str) -> tuple[list[RawItem], list[Unparsed]]:
    lines, skipped = tariff_lines(text)
    chapters, problems = classify(lines)
    items: list[RawItem] = []
    for ch in chapters:
        cells = assign_cells(ch)
        for it in cells:
            find_tail_in_cell(it)
            strip_suffix_fragments(it)
            place_subscripts(it)
        items.extend(cells)
    return items, skipped + problems
