"""Rate-history notes of the LIGIE Tarifa and the dates of the amending decrees.

The consolidated Tarifa marks changed rates with notes such as
``Arancel modificado con vigencia temporal DOF 15-08-2023 (antes Imp. 5)`` or
``Modificación DOF 18-11-2022 abrogada por DOF 06-01-2023 (antes Imp. Ex., en consecuencia se
restablece Imp. 20)``. The DOF date is the *publication*; when each decree took effect and
when a temporary one ends is read from the decree's transitory articles, which the same text
file reproduces ("ARTÍCULOS TRANSITORIOS DE DECRETOS DE REFORMA"). Whatever cannot be read
is recorded as unknown with a note — never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from immex.domain import ligie_notes as ln

MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_DATE_WORDS = re.compile(r"(\d{1,2}) de (" + "|".join(MONTHS) + r")(?: de(?:l)? (\d{4}))?")
_DMY = re.compile(r"(\d{2})-(\d{2})-(\d{4})")

LIGIE_SOURCE = ln.LIGIE_SOURCE()
LIGIE_START_NOTE = ln.LIGIE_START()


def dmy(text: str) -> date:
    d, m, y = _DMY.fullmatch(text).groups()  # type: ignore[union-attr]
    return date(int(y), int(m), int(d))


def _words_date(day: str, month: str, year: str) -> date:
    return date(int(year), MONTHS[month], int(day))


@dataclass
class Decree:
    """One amending decree as read from its transitory articles."""

    published: date
    title: str
    effective: date | None = None
    effective_how: str = "unknown"  # read | computed | unknown
    effective_evidence: str = ""
    ends: date | None = None
    ends_how: str = "none"  # read | computed | unknown | none (no end stated)
    ends_evidence: str = ""
    abrogates: list[date] = field(default_factory=list)
    codes: frozenset[str] = frozenset()  # fractions the decree's text lists

    @property
    def dof(self) -> str:
        return self.published.strftime("%d-%m-%Y")


def _sentence(text: str, start: int) -> str:
    end = text.find(". ", start)
    return text[start : end + 1 if end >= 0 else len(text)].strip()


def parse_decrees(full_text: str) -> dict[date, list[Decree]]:
    """Decrees reproduced after the Tarifa, by DOF publication date (two may share a date)."""
    start = full_text.find("ARTÍCULOS TRANSITORIOS DE DECRETOS DE REFORMA")
    if start < 0:
        return {}
    body = full_text[start:]
    # drop page furniture so sentences read across pages
    body = re.sub(
        r"\n\d+ de \d+\nLEY DE LOS IMPUESTOS GENERALES DE IMPORTACIÓN Y DE EXPORTACIÓN\n"
        r"CÁMARA DE DIPUTADOS[^\n]*\nSecretaría General\nSecretaría de Servicios Parlamentarios",
        "",
        body,
    )
    blocks = re.split(r"\n(?=DECRETO por el que)", body)
    out: dict[date, list[Decree]] = {}
    for block in blocks[1:]:
        flat = re.sub(r"\s+", " ", block)
        m = re.search(
            r"Publicado en el Diario Oficial de la Federación el " + _DATE_WORDS.pattern, flat
        )
        if not m:
            continue
        pub = _words_date(m.group(1), m.group(2), m.group(3))
        title = flat[: flat.find("Publicado en")].strip()
        dec = Decree(pub, title)
        dec.codes = frozenset(re.findall(r"\b\d{4}\.\d{2}\.\d{2}\b", flat))
        _read_effective(dec, flat)
        _read_end(dec, flat)
        for am in re.finditer(r"[Ss]e abroga(?:n)? (?:el|los)", flat):
            sent = _sentence(flat, am.start())
            if "publicad" not in sent:
                continue
            found = _DATE_WORDS.findall(sent[sent.find("publicad") :])
            years = [y for _, _, y in found if y]
            for d, mth, y in found:
                year = y or (years[-1] if years else "")
                if year:
                    dec.abrogates.append(_words_date(d, mth, year))
        out.setdefault(pub, []).append(dec)
    _inherit_and_abrogate(out)
    return out


def _inherit_and_abrogate(decrees: dict[date, list[Decree]]) -> None:
    """A decree amending "el diverso … publicado … el D" ends with that decree; an abrogated
    decree (the only one of its date) ends the day before its abrogator takes effect."""
    for ds in decrees.values():
        for dec in ds:
            m = re.search(
                r"modifica el diverso .*?publicado en el Diario Oficial de la "
                r"Federación el " + _DATE_WORDS.pattern,
                dec.title,
            )
            if m and m.group(3) and dec.ends is None:
                parent = decrees.get(_words_date(m.group(1), m.group(2), m.group(3)), [])
                if len(parent) == 1 and parent[0].ends:
                    dec.ends, dec.ends_how = parent[0].ends, "read"
                    dec.ends_evidence = (
                        f"amends the decree DOF {parent[0].dof}, in force "
                        f"until {parent[0].ends.isoformat()}"
                    )
    for ds in decrees.values():
        for dec in ds:
            if dec.effective is None:
                continue
            for target in dec.abrogates:
                victims = decrees.get(target, [])
                if len(victims) != 1:
                    continue
                end = dec.effective - timedelta(days=1)
                victim = victims[0]
                if victim.ends is None or end < victim.ends:
                    victim.ends, victim.ends_how = end, "read"
                    victim.ends_evidence = (
                        f"abrogated by DOF {dec.dof} (in force {dec.effective.isoformat()})"
                    )


def decree_for(decrees: dict[date, list[Decree]], dof: date, code: str) -> Decree | None:
    """The decree of that DOF date that concerns the fraction (the one listing it, if several)."""
    found = decrees.get(dof, [])
    if len(found) <= 1:
        return found[0] if found else None
    listing = [d for d in found if code in d.codes]
    return listing[0] if listing else found[0]


def _read_effective(dec: Decree, flat: str) -> None:
    if dec.effective_how != "unknown":
        return
    m = re.search(r"entra(?:rá)? en vigor ([^.]*)", flat)
    if not m:
        return
    clause = m.group(1)
    evidence = _sentence(flat, m.start())
    pub = dec.published
    if re.match(r"al día siguiente de (?:su|la fecha de su) publicación", clause):
        dec.effective, dec.effective_how = pub + timedelta(days=1), "read"
    elif re.match(r"el (?:mismo )?día de su publicación", clause):
        dec.effective, dec.effective_how = pub, "read"
    elif md := re.match(
        r"a los (\d+) días (?:naturales )?(?:siguientes )?(?:a )?(?:de )?su "
        r"publicación",
        clause,
    ):
        dec.effective = pub + timedelta(days=int(md.group(1)))
        dec.effective_how = "computed"
    elif (md := re.match(r"el " + _DATE_WORDS.pattern, clause)) and md.group(3):
        dec.effective = _words_date(md.group(1), md.group(2), md.group(3))
        dec.effective_how = "read"
    elif re.match(r"el mismo día (?:en el )?que la Ley", clause):
        dec.effective_how = "unknown"
        evidence += " [" + LIGIE_START_NOTE + "]"
    dec.effective_evidence = evidence


def _read_end(dec: Decree, flat: str) -> None:
    patterns = [
        r"estará vigente hasta el " + _DATE_WORDS.pattern,
        r"concluye su vigencia el " + _DATE_WORDS.pattern,
        r"Se modifican temporalmente, hasta el " + _DATE_WORDS.pattern,
    ]
    # the last statement wins: reformed transitory articles are quoted after the original
    for pat in patterns:
        for m in re.finditer(pat, flat):
            if m.group(3):
                dec.ends = _words_date(m.group(1), m.group(2), m.group(3))
                dec.ends_how, dec.ends_evidence = "read", _sentence(flat, max(0, m.start() - 60))
    years = re.search(
        r"Su vigencia es de (\w+) años contados a partir de su entrada en vigor", flat
    )
    if years and dec.ends is None:
        n = {"un": 1, "dos": 2, "tres": 3}.get(years.group(1))
        dec.ends_evidence = years.group(0)
        if n and dec.effective:
            eff = dec.effective
            dec.ends = eff.replace(year=eff.year + n) - timedelta(days=1)
            dec.ends_how = "computed"
        else:
            dec.ends_how = "unknown"


# ---------------------------------------------------------------------------------------------
# notes on a fraction

_RATE = r"(?:AMX \([^)]*\)|AE \([^)]*\)|Ex\.?|\d+(?:\.\d+)?|Prohibida)"
_ACOT = r"(?: y acotación “(?P<acot>[^”]*)”)?"
_D = r"\d{2}-\d{2}-\d{4}"
_PAREN = r"(?P<paren>\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"
NOTE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "temporary",
        re.compile(
            r"Arancel modificado con vigencia temporal"
            + _ACOT
            + r" DOF (?P<dof>"
            + _D
            + r") "
            + _PAREN
        ),
    ),
    (
        "permanent",
        re.compile(
            r"Arancel modificado DOF (?P<dof>" + _D + r")(?:, antes Imp\. (?P<antes>" + _RATE + r")"
            r"| " + _PAREN + r")"
        ),
    ),
    (
        "revoked",
        re.compile(
            r"Modificación DOF (?P<target>"
            + _D
            + r") (?:derogada|abrogada|“eliminada”|“suprimida”)"
            r" por DOF (?P<dof>" + _D + r") " + _PAREN
        ),
    ),
    (
        "removed",
        re.compile(
            r"Arancel “eliminado” del Decreto DOF (?P<target>" + _D + r") por Decreto DOF "
            r"(?P<dof>" + _D + r") " + _PAREN
        ),
    ),
    (
        "facilities",
        re.compile(
            r"Arancel con facilidades de importación de vigencia temporal"
            + _ACOT
            + r" DOF (?P<dof>"
            + _D
            + r")"
        ),
    ),
    (
        "description",
        re.compile(
            r"(?:Descripción modificada|Descripción de la fracción reformada|Fracción adicionada"
            r"|Fracción reformada|Código reformado) DOF (?P<dof>" + _D + r")"
        ),
    ),
]


@dataclass
class NoteEvent:
    kind: str  # temporary | permanent | revoked | removed | facilities | description
    dof: date  # the DOF that acts
    target: date | None  # the modification revoked (revoked/removed)
    before: str | None  # import rate before this act ("antes Imp. X")
    after: str | None  # import rate set/kept/restored by this act (None: see next note)
    acotacion: str
    raw: str


def _paren_rates(paren: str) -> tuple[str | None, str | None]:
    """(before, after) import rates from "(antes Imp. X…)" / "(se mantiene Imp. X…)"."""
    inner = paren[1:-1]
    before = after = None
    m = re.search(r"antes Imp\. (" + _RATE + r")", inner)
    if m:
        before = m.group(1)
    m = re.search(r"(?:se restablece|se mantiene) Imp\. (" + _RATE + r")", inner)
    if m:
        after = m.group(1)
        if before is None:
            before = after
    return before, after


def _norm_rate(text: str | None) -> str | None:
    if text is None:
        return None
    return "Ex." if text in ("Ex", "Ex.") else text


def parse_notes(notes: str) -> tuple[list[NoteEvent], str]:
    """Events found in a fraction's notes, and any text left over (not understood)."""
    events: list[NoteEvent] = []
    rest = notes
    spans: list[tuple[int, int, NoteEvent]] = []
    for kind, pat in NOTE_PATTERNS:
        for m in pat.finditer(notes):
            if any(s <= m.start() < e for s, e, _ in spans):
                continue
            gd = m.groupdict()
            before = after = None
            if gd.get("paren"):
                before, after = _paren_rates(gd["paren"])
            if gd.get("antes"):
                before = gd["antes"]
            target = dmy(gd["target"]) if gd.get("target") else None
            ev = NoteEvent(
                kind,
                dmy(gd["dof"]),
                target,
                _norm_rate(before),
                _norm_rate(after),
                gd.get("acot") or "",
                m.group(0),
            )
            spans.append((m.start(), m.end(), ev))
    spans.sort(key=lambda t: t[0])
    events = [ev for _, _, ev in spans]
    pieces = []
    last = 0
    for s, e, _ in spans:
        pieces.append(notes[last:s])
        last = e
    pieces.append(notes[last:])
    rest = " ".join(p.strip() for p in pieces if p.strip())
    return events, rest
