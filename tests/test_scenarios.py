"""Scenario files a customs specialist can review (tests/scenarios/*.yaml).

Each scenario: name, rule exercised, input, expected figures computed by hand (see the
comments in the files). Runs through the services with the bundled FIX/INPC/parameters and
a test-double LIGIE (the ``tariff`` block of each file, ILLUSTRATIVE rates).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
import yaml

from immex.domain.errors import ImmexError
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, RateBook
from immex.services.duties import single as duties_service
from immex.services.inputs import jsonable
from immex.services.rates import best_rate as rate_service
from immex.services.rates import loading as rates_service
from immex.services.rates.sectors import sector_codes
from immex.services.rates.workspace_data import WorkspaceData
from tests.support_rates import mfn_lookup

HERE = Path(__file__).parent / "scenarios"
EXCERPT = (
    Path(__file__).resolve().parents[2] / "shared/data/prosec/prosec_dof_2026-04-23_excerpt.csv"
)
LAYOUT = {k: v[0] + v[1] for k, v in rates_service.LAYOUTS.items()}


def _cases() -> Iterator[Any]:
    for path in sorted(HERE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["scenarios"]:
            yield pytest.param(doc.get("tariff", {}), case, id=f"{path.stem}: {case['name']}")


def test_there_are_at_least_30_scenarios() -> None:
    assert len(list(_cases())) >= 30


def _write(tmp: Path, kind: str, rows: list[dict[str, Any]]) -> Path:
    path = tmp / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=LAYOUT[kind])
        w.writeheader()
        for row in rows:
            w.writerow({k: ("" if v is None else str(v)) for k, v in row.items()})
    return path


def _book(data: dict[str, Any], tmp: Path) -> WorkspaceData:
    rows: dict[str, list[Any]] = {"prosec": [], "fta": [], "amendments": []}
    if data.get("prosec_excerpt"):
        rows["prosec"] += [r for _, r in rates_service.parse_file("prosec", EXCERPT)[0]]
    for kind in ("prosec", "fta", "amendments"):
        if data.get(kind):
            parsed, _ = rates_service.parse_file(kind, _write(tmp, kind, data[kind]))
            rows[kind] += [r for _, r in parsed]
    prosec: list[ProsecRow] = rows["prosec"]
    fta: list[FtaRow] = rows["fta"]
    amendments: list[AmendmentRow] = rows["amendments"]
    sectors = sector_codes()
    book = RateBook(prosec, fta, amendments, ("scenario data",), sectors)
    return WorkspaceData(book, None, sectors)


def _run(tariff: dict[str, str], case: dict[str, Any], tmp: Path) -> dict[str, Any]:
    data = _book(case.get("data") or {}, tmp)
    mfn = mfn_lookup({str(k): str(v) for k, v in tariff.items()})
    i = case["input"]
    kind = case["kind"]
    day = _day
    if kind == "rate":
        d = rate_service.best_rate(
            i["fraccion"], i.get("origin"), day(i["as_of"]), i.get("prosec", []),
            i.get("regla8", []), i.get("certified", []), data=data, mfn=mfn,
        )  # fmt: skip
        return jsonable(rate_service.decision_dict(d))
    ctx = duties_service.duty_context(data=data, mfn=mfn)
    if kind == "f4":
        req = duties_service.f4_request(
            i["fraccion"], Decimal(i["value_usd"]), day(i["entry_date"]), day(i["change_date"]),
            origin=i.get("origin"), prosec=i.get("prosec", []), certified=i.get("certified", []),
            regla8=i.get("regla8", []), policy=i.get("policy", "entry_date"),
            factor_rounding=i.get("factor_rounding", "truncate"),
            certified_iva=i.get("certified_iva", False),
            paid_on=day(i["paid_on"]) if i.get("paid_on") else None, known_sectors=data.sectors,
        )  # fmt: skip
        return jsonable(duties_service.f4_dict(duties_service.f4(req, ctx)))
    req63 = duties_service.usmca_request(
        i["fraccion"], Decimal(i["value_usd"]), day(i["entry_date"]), day(i["export_date"]),
        i["origin"], Decimal(i["us_duty_usd"]), prosec=i.get("prosec", []),
        certified=i.get("certified", []), known_sectors=data.sectors,
    )  # fmt: skip
    return jsonable(duties_service.usmca_dict(duties_service.usmca_63a(req63, ctx)))


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _get(doc: Any, path: str) -> Any:
    for part in path.split("."):
        if doc is None:
            return None
        doc = doc[part]
    return doc


def _same(actual: Any, expected: Any) -> bool:
    if expected is None or isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, date):
        return actual == expected.isoformat()
    try:
        return Decimal(str(actual)) == Decimal(str(expected))
    except (InvalidOperation, TypeError):
        return str(actual) == str(expected)


def _check_options(doc: dict[str, Any], wanted: list[dict[str, Any]]) -> None:
    for want in wanted:
        found = [
            o
            for o in doc["options"]
            if o["program"] == want["program"] and o["detail"] == want.get("detail", o["detail"])
        ]
        assert found, f"no option {want} in {[o['program'] for o in doc['options']]}"
        o = found[0]
        if "eligible" in want:
            assert o["eligible"] is want["eligible"], o
        if "reason" in want:
            assert want["reason"] in (o["reason"] or ""), o
        if "rate_text" in want:
            assert o["rate_text"] == want["rate_text"], o


@pytest.mark.parametrize(("tariff", "case"), list(_cases()))
def test_scenario(tariff: dict[str, str], case: dict[str, Any], tmp_path: Path) -> None:
    assert case.get("rule"), "every scenario names the rule it exercises"
    if "error" in case:
        with pytest.raises(ImmexError) as info:
            _run(tariff, case, tmp_path)
        names = {k.__name__ for k in type(info.value).__mro__}
        assert case["error"]["type"] in names, repr(info.value)
        assert case["error"]["message"] in info.value.message
        return
    doc = _run(tariff, case, tmp_path)
    for key, want in case["expected"].items():
        if key == "options":
            _check_options(doc, want)
        elif key == "warnings":
            for text in want:
                assert any(text in w for w in doc["warnings"]), (text, doc["warnings"])
        elif key == "chosen.source":
            assert want in doc["chosen"]["source"]
        else:
            got = _get(doc, key)
            assert _same(got, want), f"{key}: expected {want!r}, got {got!r}"
    if "trace" in doc:  # every figure shown is a step of the trace
        values = {str(s["value"]) for s in doc["trace"]}
        for key in ("customs_value_mxn", "igi", "igi_updated", "total", "mx_duty", "owed"):
            if key in doc:
                assert str(doc[key]) in values, key


def test_with_the_bundled_ligie_the_dof_excerpt_and_its_acotacion() -> None:
    """Integration: the real tariff book, the real DOF 23-04-2026 excerpt."""
    tariff = pytest.importorskip("immex.refdata.tariff_data").load_tariff_book()
    rows = [r for _, r in rates_service.parse_file("prosec", EXCERPT)[0]]
    book = RateBook(rows, (), (), ("DOF excerpt",), sector_codes())
    data = WorkspaceData(book, None, sector_codes())
    d = rate_service.best_rate(
        "7211.29.99", "CHN", date(2026, 5, 4), ["XIX"], data=data, mfn=tariff.import_rate_at
    )
    assert d.chosen is not None and d.chosen.program == "PROSEC" and d.chosen.rate == 0
    assert any("acotación" in w for w in d.warnings)
    assert any("29-12-2025" in w for w in d.warnings)  # the bundled LIGIE says what it lacks
    # … once, and a rate carries no exchange-rate, INPC or DTA coverage notes
    assert sum("29-12-2025" in w for w in d.warnings) == 1
    assert sum("23-04-2026 decree" in w for w in d.warnings) == 1
    assert not [w for w in d.warnings if "FIX series" in w or "INPC" in w or "DTA" in w]
    mfn = next(o for o in d.options if o.program == "MFN")
    assert mfn.eligible and mfn.source
