"""How a reader sees a rule of the rule book cited, its confidence and its legal citations.

Outputs cite rules in their canonical form, ``RULES C-3`` / ``(RULES P-3, P-6)``: the
English of a message (JSON, logs) keeps it, and the appendix of a report finds the rules
by it (:func:`cited_ids`). What a person reads is rendered once, by key: "rule C-3" /
"rules P-3 and P-6" in English, "regla C-3" / "reglas P-3 y P-6" in Spanish
(:func:`show_citations`, which :func:`immex.reports.i18n.tr` applies to every message it
renders). A rule's confidence ("H", "M-H", "H text / M reading") and its legal citations
("Decree art. 4", "USMCA 2.5", "Decreto PROSEC, DOF 02-08-2002 as amended") are read the same
way: parsed into messages of the catalog and read back — a message *is* its English text,
which must be the text as written — so that a reader of any language sees them in it ("art. 4
del Decreto IMMEX", "T-MEC art. 2.5", "Alta (texto) / Media (interpretación)"); a text that
does not parse, or does not read back, is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from immex.domain.messages import Msg, Template, joined

_RULE_ID = r"[A-Z]-\d+[a-z]?"
_ID_LIST = rf"({_RULE_ID}(?:\s*(?:,|/|…|\band\b|\by\b|\be\b)\s*{_RULE_ID})*)"
#: how outputs cite a rule: "RULES C-3", "RULES I-6", "(RULES U-2, U-4)", "RULES C-1 … C-9"
_CITED = re.compile(rf"\bRULES\s+{_ID_LIST}")
#: … and how a reader sees it ("rule C-3", "rules P-3 and P-6", "reglas P-3 y P-6")
_SHOWN = re.compile(rf"\b(?:RULES|[Rr]ules?|[Rr]eglas?)\s+{_ID_LIST}")
_ID = re.compile(_RULE_ID)
#: a section of the rule book cited as a whole: "RULES §6"
_CITED_SECTION = re.compile(r"\bRULES\s+§\s?(\d+)\b")


def cited_ids(text: str) -> list[str]:
    """The rule ids a text cites ("RULES C-3"; also as shown: "rule C-3", "reglas P-3 y
    P-6"), in order of first mention."""
    seen: list[str] = []
    for match in _SHOWN.finditer(text):
        for rule_id in _ID.findall(match.group(1)):
            if rule_id not in seen:
                seen.append(rule_id)
    return seen


# ------------------------------------------------------------------- a rule as cited

CITE = Template("rules.cite", "rule {ids}", "rules {ids}")
CITE_AND = Template("rules.cite_and", "{head} and {last}")
#: the same in English; Spanish writes "e" before a word that sounds /i/ ("P-3 e I-12")
CITE_AND_I = Template("rules.cite_and_i", "{head} and {last}")
CITE_RANGE = Template("rules.cite_range", "{first} … {last}")
CITE_SECTION = Template("rules.cite_section", "rule book §{n}")


def cite(*ids: str) -> Msg:
    """A citation of rules of the book as a reader sees it: ``cite("P-3", "P-6")`` reads
    "rules P-3 and P-6" in English, "reglas P-3 y P-6" in Spanish."""
    if len(ids) == 1:
        return CITE(ids=ids[0], n=1)
    last = ids[-1]
    joiner = CITE_AND_I if last.startswith("I") else CITE_AND
    return CITE(ids=joiner(head=", ".join(ids[:-1]), last=last), n=len(ids))


def _cited(ids_text: str) -> Msg | None:
    """``C-1 … C-9`` / ``P-3, P-6`` / ``C-8/C-8b`` as a citation (None: another form)."""
    ids = _ID.findall(ids_text)
    if "…" in ids_text:
        parts = [p.strip() for p in ids_text.split("…")]
        if len(parts) != 2 or parts != ids:
            return None
        return CITE(ids=CITE_RANGE(first=parts[0], last=parts[1]), n=2)
    if re.sub(r"[\s,/]+", " ", ids_text).split() != ids:
        return None  # "and"/"y" already written: not the canonical form
    return cite(*ids)


def show_citations(text: str, render: Callable[[Msg], str]) -> str:
    """``text`` with every canonical rule citation ("RULES C-3", "(RULES P-3, P-6)",
    "RULES §6") as ``render`` (the catalog, in the reader's language) shows it. Read back
    and verified: a citation of another form, or whose rendering does not cite the same
    ids, stays as written. (Whether the book has the ids is the appendix's check:
    :func:`immex.services.refdata.rules.rules_cited` refuses a rule it lacks.)"""
    if "RULES" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        ids_text = match.group(1)
        msg = _cited(ids_text)
        if msg is None:
            return match.group(0)
        shown = render(msg)
        ok = _SHOWN.fullmatch(shown) and cited_ids(shown) == _ID.findall(ids_text)
        return shown if ok else match.group(0)

    def section(match: re.Match[str]) -> str:
        return render(CITE_SECTION(n=match.group(1)))

    return _CITED_SECTION.sub(section, _CITED.sub(one, text))


# ------------------------------------------------------------------- its confidence

#: a level in a sentence ("confianza media") and as a column shows it ("Media")
_LEVELS = {
    "H": Template("rules.conf.H", "H"),
    "M": Template("rules.conf.M", "M"),
    "L": Template("rules.conf.L", "L"),
    "M-H": Template("rules.conf.M-H", "M-H"),
}
_LEVELS_TITLE = {
    "H": Template("rules.conf.title.H", "H"),
    "M": Template("rules.conf.title.M", "M"),
    "L": Template("rules.conf.title.L", "L"),
    "M-H": Template("rules.conf.title.M-H", "M-H"),
}
_QUALIFIED = Template("rules.conf.qualified", "{level} {what}")
_IN_PARENS = Template("rules.conf.in_parens", "{level} ({what})")
_WITH_NOTE = Template("rules.conf.with_note", "{level} — {note}")
_WORDS = {
    "text": Template("rules.conf.word.text", "text"),
    "reading": Template("rules.conf.word.reading", "reading"),
    "structure": Template("rules.conf.word.structure", "structure"),
    "amounts": Template("rules.conf.word.amounts", "amounts"),
    "observed": Template("rules.conf.word.observed", "observed"),
}
_NOTES = {
    "parameter, off by default": Template("rules.conf.note.param_off", "parameter, off by default")
}
_PART = re.compile(
    r"(?P<level>M-H|[HML](?:/[HML])?)"
    r"(?:\s(?P<word>[a-z]+)|\s\((?P<paren>[^)]*)\))?"
    r"(?:\s—\s(?P<note>.+))?"
)
#: a span of sectors in parentheses, "(I–XXII)": the same in every language
_ROMAN_SPAN = re.compile(r"[IVXL]+(?:–[IVXL]+)?")


def _level(text: str, title: bool) -> Msg | str | None:
    levels = _LEVELS_TITLE if title else _LEVELS
    if text in levels:
        return levels[text]()
    if "/" in text:  # "H/M": either
        return joined([levels[x]() for x in text.split("/")], "/")
    return None


def _confidence_part(part: str, title: bool) -> Msg | str | None:
    m = _PART.fullmatch(part)
    if m is None:
        return None
    level = _level(m.group("level"), title)
    if level is None:
        return None
    shown: Msg | str = level
    if m.group("word"):
        word = _WORDS.get(m.group("word"))
        if word is None:
            return None
        shown = _QUALIFIED(level=shown, what=word())
    elif m.group("paren") is not None:
        inner = m.group("paren")
        what: Msg | str | None = (
            _WORDS[inner]() if inner in _WORDS else inner if _ROMAN_SPAN.fullmatch(inner) else None
        )
        if what is None:
            return None
        shown = _IN_PARENS(level=shown, what=what)
    if m.group("note"):
        note = _NOTES.get(m.group("note"))
        if note is None:
            return None
        shown = _WITH_NOTE(level=shown, note=note())
    return shown


def confidence_msg(confidence: str, title: bool = False) -> Msg | str:
    """A confidence as the rule book and the parameters write it ("H", "M-H", "H text /
    M reading", "L — parameter, off by default") as a message: its English is the text as
    written (JSON and tests read it unchanged), a Spanish reader sees "alta", "media-alta",
    "alta (texto) / media (interpretación)" (``title``: as a column shows it, "Alta (texto)
    / Media (interpretación)"). Not parsed or not read back: as written."""
    parts = [_confidence_part(p, title) for p in confidence.split(" / ")]
    if not confidence or any(p is None for p in parts):
        return confidence
    msg = joined([p for p in parts if p is not None], " / ")
    return msg if str(msg) == confidence else confidence


# ------------------------------------------------------------------- its legal citations

_DECREE_ART = Template("rules.cite.decree_art", "{decree} art. {arts}", "{decree} arts. {arts}")
#: several articles written "art. 3 / 11": Spanish "arts. 3 y 11"
_DECREE_ART_LIST = Template("rules.cite.decree_art_list", "{decree} art. {arts}")
#: the decree a bare "Decree" means, by the rule's letter (I-: IMMEX, P-: PROSEC)
_DECREE_OF_RULE = {
    "I": Template("rules.cite.decree_of_i", "Decree"),
    "P": Template("rules.cite.decree_of_p", "Decree"),
}
_DECREE_NAMED = {
    "IMMEX Decree": Template("rules.cite.immex_decree", "IMMEX Decree"),
    "PROSEC Decree": Template("rules.cite.prosec_decree", "PROSEC Decree"),
}
_ARTS_AND = {
    " / ": Template("rules.cite.arts_slash", "{head} / {last}"),
    ", ": Template("rules.cite.arts_comma", "{head}, {last}"),
}
_AS_AMENDED = Template("rules.cite.as_amended", "{ref} as amended")
_USMCA = Template("rules.cite.usmca", "USMCA {article}")
_USMCA_ART = Template("rules.cite.usmca_art", "USMCA art. {article}")
_ANNEX = Template("rules.cite.rgce_annex", "RGCE Annex {n}")

_DECREE_RE = re.compile(
    r"(?P<decree>IMMEX Decree|PROSEC Decree|Decreto IMMEX|Decreto PROSEC|Decree) "
    r"(?P<art>arts?)\. (?P<arts>\d+(?:(?: / |, )\d+)*)"
)
_AMENDED_RE = re.compile(r"(?P<ref>Decreto (?:IMMEX|PROSEC), DOF \d{2}-\d{2}-\d{4}) as amended")
_USMCA_RE = re.compile(r"USMCA(?P<art> art\.)? (?P<article>\d+\.\d+)")
_ANNEX_RE = re.compile(r"RGCE Annex (?P<n>\d+)")
#: the references that read the same in every language: law and article, DOF date, RGCE rule
_SAME = re.compile(
    r"(?:LA|RLA|CFF|LFD|LIVA|LIGIE|LIF)(?: \d{4})?(?: art\.)? \d+(?:-[A-Z]|-[IVX]+)*"
    r"(?:(?:/|, )\d+(?:-[A-Z]|-[IVX]+)*)*(?: ¶\s?\d+| fr\. [IVX]+)?"
    r"|DOF \d{2}-\d{2}-\d{4}|RGCE \d+(?:\.\d+)+"
)


def _arts(text: str) -> Msg | str:
    for sep, template in _ARTS_AND.items():
        if sep in text:
            head, last = text.rsplit(sep, 1)
            return template(head=head, last=last)
    return text


def _citation_msg(citation: str, rule_id: str) -> Msg | str | None:
    if _SAME.fullmatch(citation):
        return citation
    if m := _DECREE_RE.fullmatch(citation):
        written = m.group("decree")
        decree: Msg | str | None = (
            _DECREE_OF_RULE[rule_id[:1]]() if written == "Decree" and rule_id[:1] in
            _DECREE_OF_RULE else None if written == "Decree" else
            _DECREE_NAMED[written]() if written in _DECREE_NAMED else written
        )  # fmt: skip
        if decree is None:
            return None
        arts = _arts(m.group("arts"))
        if m.group("art") == "art" and isinstance(arts, Msg):
            return _DECREE_ART_LIST(decree=decree, arts=arts)
        return _DECREE_ART(decree=decree, arts=arts, n=1 if m.group("art") == "art" else 2)
    if m := _AMENDED_RE.fullmatch(citation):
        return _AS_AMENDED(ref=m.group("ref"))
    if m := _USMCA_RE.fullmatch(citation):
        return (_USMCA_ART if m.group("art") else _USMCA)(article=m.group("article"))
    if m := _ANNEX_RE.fullmatch(citation):
        return _ANNEX(n=m.group("n"))
    return None


def citation_msg(citation: str, rule_id: str = "") -> Msg | str:
    """One legal citation of a rule ("Decree art. 4", "USMCA 2.5", "Decreto PROSEC, DOF
    02-08-2002 as amended") as a message whose English is the citation as written; a
    Spanish reader sees "art. 4 del Decreto IMMEX", "T-MEC art. 2.5", "… y sus reformas".
    A citation of another form, or one that does not read back, stays as written."""
    msg = _citation_msg(citation, rule_id)
    if msg is None or str(msg) != citation:
        return citation
    return msg


def basis_msg(basis: str) -> Msg | str:
    """A legal basis written as citations one after the other ("LA 63-A; USMCA 2.5; RULES
    U-1, U-2") as a message: each citation as :func:`citation_msg` reads it (the rule
    citation as :func:`show_citations` does, when the message is rendered)."""
    parts = basis.split("; ")
    return joined([citation_msg(p) for p in parts], "; ") if len(parts) > 1 else citation_msg(basis)
