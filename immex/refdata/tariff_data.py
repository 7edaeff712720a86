"""Run-time access to the bundled LIGIE Tarifa (reads ``immex/data`` only).

``load_tariff_book()`` returns the cached :class:`TariffBook`: look-up by any spelling of a
fracción, the import rate in force on a date (from the rate history, with the warnings a user
must see) and Spanish full-text search. Rows are parsed lazily: loading reads the CSV files
once; :class:`~immex.domain.tariff.Fraction` objects and the search index are built on first use.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from immex.domain.codes import parse_tariff_code
from immex.domain.errors import DataCoverageError, NotFound
from immex.domain.ligie_notes import acotacion, note_msg, source_msg
from immex.domain.messages import Template
from immex.domain.search import SearchIndex
from immex.domain.tariff import Fraction, Nico, PublishedRate, RateAt, RateKind, RatePeriod
from immex.refdata.framework import DATA_DIR

TABLE_MISSING = Template(
    "tariff.table_missing",
    "the LIGIE tariff table is missing ({path}); run `immex refdata build`",
)
NOT_IN_TARIFF = Template(
    "tariff.not_in_tariff",
    "fracción {code} is not in the LIGIE Tarifa (bundled text, last reform DOF 21-07-2025); "
    "check the code or search by description with `immex tariff search`",
)
NO_NICO = Template(
    "tariff.no_nico",
    "NICO {nico} does not exist under {code} in the SAT catalog; valid: {valid}",
)


#: what the bundled Tarifa covers (PROVENANCE.md, RULES.md §6)
BEFORE_LIGIE_2022 = Template(
    "tariff.before_2022",
    "{day} is before the LIGIE 2022 (published DOF 07-06-2022); the bundled data has no rates "
    "for the LIGIE 2020",
)
NO_RATE_BEFORE = Template(
    "tariff.no_rate_before",
    "fracción {code} has no rate before {since} ({note}); it did not exist on {day}",
)


LIGIE_PUBLISHED = date(2022, 6, 7)
REFORM_2025_12_29 = date(2026, 1, 1)
DECREE_2026_04_23 = date(2026, 4, 23)
WARN_REFORM_2025 = Template(
    "warn.ligie_reform_2025",
    "the bundled LIGIE text is as of its last reform DOF 21-07-2025 (fractions modified by DOF "
    "10-11-2025); it does NOT include the reform published DOF 29-12-2025, in force "
    "2026-01-01, which raised about 1,463 fractions to 10–50% for goods from countries "
    "without a trade agreement with Mexico — verify this rate",
)()
WARN_DECREE_2026 = Template(
    "warn.decree_2026",
    "the DOF 23-04-2026 decree is not in the bundled data; rates and programmes on or after "
    "2026-04-23 may differ",
)()
REFORM_WARNINGS = ((WARN_REFORM_2025, REFORM_2025_12_29), (WARN_DECREE_2026, DECREE_2026_04_23))
#: manifest coverage items (refdata.build.COVERAGE) every tariff look-up on or after their
#: date already warns about (WARN_REFORM_2025, WARN_DECREE_2026): callers skip them
TARIFF_COVERAGE_IDS = ("ligie_reform_2025_12_29", "decree_2026_04_23")
WARN_EARLY = Template(
    "ligie.warn.early",
    "the LIGIE 2022 (DOF 07-06-2022) entered into force on a date set by SAT that is not in "
    "the bundled text; for dates around late 2022 check whether the LIGIE 2020 still applied",
)()
WARN_ENDED = Template(
    "ligie.warn.ended",
    "the rate {rate} set by {source} was in force until {day}; the rate after that date is not "
    "in the bundled data — showing the rate as published ({published}); verify it",
)
WARN_NO_PERIOD = Template(
    "ligie.warn.no_period", "no rate period covers this date; showing the published rate"
)
WARN_DESCRIPTION_REFORMED = Template(
    "ligie.warn.description_reformed",
    "the description shown is the one reformed by DOF {dof}, in force {start}; on {day} the "
    "earlier text applied",
)
WARN_NOT_AD_VALOREM = Template(
    "ligie.warn.not_ad_valorem", "specific or mixed duty, shown verbatim: {rate}"
)
WARN_START_COMPUTED = Template(
    "ligie.warn.start_computed",
    "start date computed from the decree's transitory article: {note}",
)
WARN_END_NOT_STATED = Template(
    "ligie.warn.end_not_stated",
    "the end of the rate set by {source} is not stated in the bundled text",
)
WARN_TEMPORARY_UNTIL = Template(
    "ligie.warn.temporary_until",
    "temporary rate set by {source} in force until {day}{how}; later changes are not in the "
    "bundled data",
)
END_COMPUTED_HOW = Template(
    "ligie.warn.end_computed_how", " (end computed from its transitory article)"
)


_DESC_CHANGE = re.compile(
    r"(Descripción modificada|Descripción de la fracción reformada) DOF (\d{2}-\d{2}-\d{4})"
)


@dataclass(frozen=True)
class Coverage:
    source: str
    as_of: str
    last_reform: str
    fractions_modified_by: str
    not_included: tuple[str, ...]
    fractions: int

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "as_of": self.as_of,
            "last_reform": self.last_reform,
            "fractions_modified_by": self.fractions_modified_by,
            "not_included": list(self.not_included),
            "fractions": self.fractions,
        }


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _opt_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


class TariffBook:
    """All LIGIE fractions with their rate history and NICO, plus search."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        fractions = data_dir / "ligie_fractions.csv"
        if not fractions.is_file():
            raise DataCoverageError(TABLE_MISSING(path=fractions))
        self._rows: dict[str, dict[str, str]] = {r["fraccion"]: r for r in _read(fractions)}
        self._codes = sorted(self._rows)
        self._headings = {
            r["code"]: r["description"] for r in _read(data_dir / "ligie_headings.csv")
        }
        self._history: dict[str, list[dict[str, str]]] = {}
        for r in _read(data_dir / "ligie_rate_history.csv"):
            self._history.setdefault(r["fraccion"], []).append(r)
        self._nicos: dict[str, list[dict[str, str]]] = {}
        nicos = data_dir / "nicos.csv"
        if nicos.is_file():
            for r in _read(nicos):
                self._nicos.setdefault(r["fraccion"], []).append(r)
        self._decree_start: dict[str, date] = {}
        decrees = data_dir / "ligie_decrees.csv"
        if decrees.is_file():
            for r in _read(decrees):
                if r["effective_from"]:
                    self._decree_start.setdefault(r["dof"], date.fromisoformat(r["effective_from"]))
        self._cache: dict[str, Fraction] = {}
        self._index: SearchIndex | None = None
        self.coverage = Coverage(
            source="LIGIE 2022 Tarifa, Cámara de Diputados consolidated text",
            as_of="2025-11-10",
            last_reform="DOF 21-07-2025",
            fractions_modified_by="DOF 10-11-2025",
            not_included=(
                "DOF 29-12-2025 reform (in force 2026-01-01; ~1,463 fractions raised to 10-50% "
                "for countries without a trade agreement)",
                "DOF 23-04-2026 decree",
            ),
            fractions=len(self._codes),
        )

    # -- look-up ------------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        try:
            return parse_tariff_code(code).dotted in self._rows
        except Exception:
            return False

    def __iter__(self) -> Iterator[Fraction]:
        return self.fractions()

    def __len__(self) -> int:
        return len(self._codes)

    def fractions(self) -> Iterator[Fraction]:
        for code in self._codes:
            yield self._fraction(code)

    def codes(self) -> list[str]:
        return list(self._codes)

    def get(self, code: str) -> Fraction:
        """The fracción of ``8542.31.03``, ``85423103`` or a 10-digit code with NICO."""
        tc = parse_tariff_code(code)
        if tc.dotted not in self._rows:
            raise NotFound(
                NOT_IN_TARIFF(code=tc.dotted),
                field="fraccion",
            )
        frac = self._fraction(tc.dotted)
        if tc.nico and not any(n.code == tc.nico for n in frac.nicos) and frac.nicos:
            raise NotFound(
                NO_NICO(nico=tc.nico, code=tc.dotted, valid=", ".join(n.code for n in frac.nicos)),
                field="fraccion",
            )
        return frac

    def heading_description(self, code: str) -> str:
        return self._headings.get(code, "")

    def _fraction(self, code: str) -> Fraction:
        cached = self._cache.get(code)
        if cached is not None:
            return cached
        r = self._rows[code]
        history = tuple(
            RatePeriod(
                _opt_date(h["valid_from"]),
                _opt_date(h["valid_to"]),
                PublishedRate.parse(h["rate"]),
                source_msg(h["source"]),
                h["certainty"],
                note_msg(h["note"]),
            )
            for h in self._history.get(code, [])
        )
        nicos = tuple(
            Nico(
                n["nico"],
                n["description"],
                n["umt_code"],
                _opt_date(n["valid_from"]),
                _opt_date(n["valid_to"]),
            )
            for n in self._nicos.get(code, [])
        )
        frac = Fraction(
            fraccion=code,
            description=r["description"],
            heading=r["heading"].replace(".", ""),
            heading_description=self._headings.get(r["heading"], ""),
            subheading=r["subheading"],
            subheading_description=self._headings.get(r["subheading"], ""),
            umt=r["umt"],
            import_rate=PublishedRate.parse(r["import_rate"]),
            export_rate=PublishedRate.parse(r["export_rate"]),
            igi_history=history,
            nicos=nicos,
            section=r["section"],
            chapter=r["chapter"],
            notes=r["notes"],
        )
        self._cache[code] = frac
        return frac

    # -- rates --------------------------------------------------------------------------------

    def import_rate_at(self, code: str, when: date) -> RateAt:
        """The import rate in force on ``when`` from the rate history, with warnings."""
        frac = self.get(code)
        if when < LIGIE_PUBLISHED:
            raise DataCoverageError(BEFORE_LIGIE_2022(day=when.isoformat()), field="as_of")
        starts = [p.valid_from for p in frac.igi_history]
        if starts and all(s is not None and when < s for s in starts):
            first = frac.igi_history[0]
            since = first.valid_from.isoformat() if first.valid_from else "?"
            raise DataCoverageError(
                NO_RATE_BEFORE(code=frac.fraccion, since=since, note=first.note or first.source,
                               day=when.isoformat()),
                field="as_of",
            )  # fmt: skip
        warnings: list[str] = []
        period: RatePeriod | None = None
        for p in frac.igi_history:
            if p.covers(when):
                period = p
        if period is None:
            rate = frac.import_rate
            ended = [p for p in frac.igi_history if p.valid_to and p.valid_to < when]
            if ended:
                last = ended[-1]
                warnings.append(
                    WARN_ENDED(
                        rate=last.rate.display, source=last.source,
                        day=last.valid_to.isoformat() if last.valid_to else "?",
                        published=rate.display,
                    )
                )  # fmt: skip
            else:
                warnings.append(WARN_NO_PERIOD())
        else:
            rate = period.rate
            warnings.extend(_period_warnings(period, when))
        for m in _DESC_CHANGE.finditer(frac.notes):
            start = self._decree_start.get(m.group(2))
            if start and when < start:
                warnings.append(
                    WARN_DESCRIPTION_REFORMED(
                        dof=m.group(2), start=start.isoformat(), day=when.isoformat()
                    )
                )
        if when >= REFORM_2025_12_29:
            warnings.append(WARN_REFORM_2025)
        if when >= DECREE_2026_04_23:
            warnings.append(WARN_DECREE_2026)
        if rate.kind is RateKind.OTHER:
            warnings.append(WARN_NOT_AD_VALOREM(rate=rate.text))
        return RateAt(frac.fraccion, when, rate, period, tuple(dict.fromkeys(warnings)))

    # -- search -------------------------------------------------------------------------------

    def _search_index(self) -> SearchIndex:
        if self._index is None:
            docs = []
            for code in self._codes:
                r = self._rows[code]
                nico_text = " ".join(n["description"] for n in self._nicos.get(code, []))
                docs.append(
                    (
                        r["description"],
                        self._headings.get(r["subheading"], ""),
                        self._headings.get(r["heading"], ""),
                        nico_text,
                    )
                )
            self._index = SearchIndex(docs)
        return self._index

    def search_docs(self) -> list[tuple[str, str, str, str]]:
        """The documents the index is built from (for reference implementations)."""
        return [
            (
                self._rows[c]["description"],
                self._headings.get(self._rows[c]["subheading"], ""),
                self._headings.get(self._rows[c]["heading"], ""),
                " ".join(n["description"] for n in self._nicos.get(c, [])),
            )
            for c in self._codes
        ]

    def search(self, text: str, limit: int = 10) -> list[tuple[Fraction, float]]:
        """Best matches for a Spanish text (accents and case ignored), best first."""
        digits = text.replace(".", "").replace(" ", "")
        if digits.isdigit() and 2 <= len(digits) <= 10:
            prefix = digits[:8]
            found = [c for c in self._codes if c.replace(".", "").startswith(prefix)]
            return [(self._fraction(c), 1.0) for c in found[:limit]]
        hits = self._search_index().search(text, limit)
        return [(self._fraction(self._codes[h.doc]), h.score) for h in hits]


def _period_warnings(period: RatePeriod, when: date) -> list[str]:
    out: list[str] = []
    cert = period.certainty
    if period.valid_from is None and when < date(2023, 1, 1):
        out.append(WARN_EARLY)
    if "from_computed" in cert:
        out.append(WARN_START_COMPUTED(note=period.note))
    if "to_unknown" in cert or cert == "both_unknown":
        out.append(WARN_END_NOT_STATED(source=period.source))
    temporary = "temporary" in period.source
    if temporary and period.valid_to and when >= REFORM_2025_12_29:
        how = END_COMPUTED_HOW() if "to_computed" in cert else ""
        out.append(
            WARN_TEMPORARY_UNTIL(source=period.source, day=period.valid_to.isoformat(), how=how)
        )
    limited = acotacion(period.note)
    if limited is not None:
        out.append(limited)
    return out


@functools.cache
def load_tariff_book() -> TariffBook:
    """The bundled tariff book, loaded once per process."""
    return TariffBook()
