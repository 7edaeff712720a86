"""Contract of the rates, series and parameter repositories: the same answers on SQLite and
PostgreSQL (``workspace_url``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from immex.domain.dated import DatedValue
from immex.domain.rates import AmendmentRow, FtaRow, ProsecRow, Sector, parse_rate_text
from immex.store.unit import Store

AT = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)


@pytest.fixture
def store(workspace_url: str) -> Iterator[Store]:
    s = Store.create(workspace_url)
    yield s
    s.dispose()


def _batch(store: Store, kind: str, sha: str = "a" * 64) -> int:
    with store.begin() as repos:
        return repos.rates.add_batch(
            kind=kind, file_name=f"{kind}.csv", sha256=sha, rows=2, loaded_by="ana",
            loaded_at=AT,
        )  # fmt: skip


def test_batches_are_found_by_kind_and_digest(store: Store) -> None:
    first = _batch(store, "prosec")
    second = _batch(store, "fta")
    with store.connect() as repos:
        assert repos.rates.has_tables()
        found = repos.rates.batch_of("prosec", "a" * 64)
        assert found is not None and found.id == first
        assert (found.file_name, found.rows, found.loaded_by) == ("prosec.csv", 2, "ana")
        assert found.loaded_at.replace(tzinfo=found.loaded_at.tzinfo or UTC) == AT
        assert repos.rates.batch_of("prosec", "b" * 64) is None
        assert [b.id for b in repos.rates.batches()] == [first, second]


def test_rate_rows_round_trip_with_their_file(store: Store) -> None:
    prosec = ProsecRow(
        "XIX", "Automotriz", "8501.10.01", parse_rate_text("5"), date(2026, 4, 24), None,
        "Únicamente motores", "DOF 23-04-2026",
    )  # fmt: skip
    exempt = ProsecRow(
        "I", "Eléctrica", "8501.10.01", parse_rate_text("Ex."), date(2026, 4, 24),
        date(2026, 12, 31), "", "DOF 23-04-2026",
    )  # fmt: skip
    fta = FtaRow(
        "TMEC", ("CAN", "USA"), "8501.10.01", parse_rate_text("0"), date(2020, 7, 1), None, "T-MEC"
    )
    amendment = AmendmentRow(
        "8501.10.01", parse_rate_text("7.5"), date(2026, 6, 1), None, "DOF 2026-05-30"
    )
    rows = {"prosec": [prosec, exempt], "fta": [fta], "amendments": [amendment]}
    for kind, records in rows.items():
        batch = _batch(store, kind)
        with store.begin() as repos:
            repos.rates.add_rows(kind, batch, list(enumerate(records, start=2)))
    with store.connect() as repos:
        for kind, records in rows.items():
            assert repos.rates.rows(kind) == [(r, f"{kind}.csv") for r in records]


def test_sectors(store: Store) -> None:
    with store.begin() as repos:
        assert repos.rates.sector_codes() == set()
        repos.rates.add_sector(Sector("XXIV", "Nuevo", "DOF", "L", "from a list"))
    with store.connect() as repos:
        assert repos.rates.sector_codes() == {"XXIV"}


def test_series_points_keep_their_exact_text(store: Store) -> None:
    fix, inpc = _batch(store, "fix"), _batch(store, "inpc", "c" * 64)
    with store.begin() as repos:
        assert repos.series.has_table()
        repos.series.add_points(
            "fix", fix, [(2, date(2026, 3, 5), "17.1234"), (3, date(2026, 3, 6), "17.20")]
        )
        repos.series.add_points("inpc", inpc, [(2, date(2026, 2, 1), "141.234")])
    with store.connect() as repos:
        points = repos.series.points("fix")
        assert [(p.day, p.value, p.file_name) for p in points] == [
            (date(2026, 3, 5), "17.1234", "fix.csv"),
            (date(2026, 3, 6), "17.20", "fix.csv"),
        ]
        assert [p.series for p in repos.series.points()] == ["fix", "fix", "inpc"]


def test_parameter_values_cite_their_file(store: Store) -> None:
    batch = _batch(store, "parameters")
    later = DatedValue(date(2027, 1, 1), None, Decimal("1.47"), "LIF 2027 art. 8", "M", "")
    earlier = DatedValue(
        date(2025, 1, 1), date(2025, 12, 31), Decimal("1.38"), "LIF 2025", "H", "note"
    )
    with store.begin() as repos:
        assert repos.parameters.has_table()
        assert repos.parameters.values() == {}
        repos.parameters.add_values(
            batch,
            [(2, "recargos.lif_monthly_rate", later), (3, "recargos.lif_monthly_rate", earlier)],
        )
    with store.connect() as repos:
        values = repos.parameters.values()["recargos.lif_monthly_rate"]
    assert [v.valid_from for v in values] == [date(2025, 1, 1), date(2027, 1, 1)]
    assert values[0].value == Decimal("1.38") and values[0].note == "note"
    assert values[0].source == "LIF 2025 (loaded from parameters.csv)"
