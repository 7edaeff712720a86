"""A rebuild from ../shared/data reproduces every committed file of immex/data byte for byte."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from immex.refdata.build import BUILDERS, COVERAGE, MANIFEST, check, provenance
from immex.refdata.bundled import load_manifest
from immex.refdata.framework import DATA_DIR, sha256_file

MY_CSV = {
    "countries.csv",
    "customs_offices.csv",
    "customs_sections.csv",
    "fx_fix.csv",
    "inpc.csv",
    "pedimento_keys.csv",
    "pedimento_keys_crosscheck.csv",
    "unit_aliases.csv",
    "units.csv",
}


@cache
def _check(shared: Path) -> tuple[str, ...]:
    return tuple(check(shared, DATA_DIR))


def test_rebuild_reproduces_every_committed_file(shared_data: Path) -> None:
    problems = _check(shared_data)
    assert problems == (), "\n".join(problems)


def test_every_builder_ran_including_the_tariff_ones() -> None:
    manifest = load_manifest()
    assert manifest["skipped"] == []
    assert [b["module"] for b in manifest["builders"]] == [m for m, _ in BUILDERS]


def test_manifest_hashes_and_rows_match_the_files() -> None:
    manifest = load_manifest()
    on_disk = {
        p.relative_to(DATA_DIR).as_posix()
        for p in DATA_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    } - {MANIFEST}
    assert {t["file"] for t in manifest["tables"]} == on_disk
    for table in manifest["tables"]:
        path = DATA_DIR / table["file"]
        assert sha256_file(path) == table["sha256"], table["file"]
        if table["file"] in MY_CSV:
            with path.open(encoding="utf-8", newline="") as fh:
                assert sum(1 for _ in csv.reader(fh)) - 1 == table["rows"], table["file"]


def test_manifest_sources_match_shared_data(shared_data: Path) -> None:
    manifest = load_manifest()
    paths = {s["path"] for s in manifest["sources"]}
    assert {
        "banxico/fix_usd_mxn_1991_2026.csv",
        "inegi/inpc_general_2000_2026.csv",
        "sat/cce_20_unidades_medida.csv",
        "anexo22/31_apendice_2.json",
    } <= paths
    for s in manifest["sources"]:
        assert s["as_of"] and s["attribution"], s["path"]
        if s["path"].startswith("immex/"):
            assert sha256_file(DATA_DIR.parents[1] / s["path"]) == s["sha256"]
        else:
            assert sha256_file(shared_data / s["path"]) == s["sha256"], s["path"]


def test_manifest_lists_the_known_gaps() -> None:
    ids = {c["id"] for c in load_manifest()["coverage"]}
    assert ids == {c["id"] for c in COVERAGE}
    assert {
        "ligie_reform_2025_12_29",
        "decree_2026_04_23",
        "dta_fixed_amounts",
        "prosec_lists",
        "immex_annexes",
        "fta_schedules",
    } <= ids


def test_provenance_table_is_read(shared_data: Path) -> None:
    rows = {r["pattern"]: r for r in provenance(shared_data)}
    assert rows["banxico/fix_usd_mxn_1991_2026.csv"]["licence"].startswith("BSD-2-Clause")
    assert rows["sat/cfdi_40_paises.csv"]["as_of"] == "2022"
    assert "not subject to copyright" in rows["laws/*.txt"]["licence"]  # "same" = row above


def test_missing_tariff_builder_is_skipped_loudly(
    shared_data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from immex.refdata import build as build_mod

    monkeypatch.setattr(
        build_mod,
        "BUILDERS",
        (("immex.refdata.series_build", "series"), ("immex.refdata.not_written_yet", "future")),
    )
    manifest = build_mod.build_all(shared_data, tmp_path)
    assert manifest.skipped == ["immex.refdata.not_written_yet"]
    assert "not_written_yet not available" in capsys.readouterr().err
    with pytest.raises(RuntimeError):
        build_mod.build_all(shared_data, tmp_path / "strict", strict=True)


def test_coverage_warnings_by_date() -> None:
    from datetime import date

    from immex.refdata.bundled import coverage_warnings

    assert coverage_warnings(date(2023, 6, 1)) == []
    mid_2025 = coverage_warnings(date(2025, 6, 1))
    assert len(mid_2025) == 1 and "DTA fixed amounts" in mid_2025[0]
    may_2026 = " | ".join(coverage_warnings(date(2026, 5, 4)))
    for phrase in ("29-12-2025", "23-04-2026", "FIX series ends on 2026-03-04", "INPC series ends"):
        assert phrase in may_2026
    assert "FIX series" not in " ".join(coverage_warnings(date(2026, 3, 5)))
