"""``immex whatif sell|mix``: scenarios worked by hand on the small plant
(tests/support_decide.py) and properties on generated plants: a what-if never writes, and its
FIFO is the FIFO of a real run on a copy of the workspace with the shipment recorded.

Real data used (immex/data): FIX determined 2023-05-11 17.6287 (entry Mon 2023-05-15),
2024-06-06 17.5335 (entry Mon 2024-06-10), 2025-01-13 20.8012 (export Wed 2025-01-15);
INPC 2023-04 128.363, 2024-05 134.087, 2024-06 134.594, 2024-12 137.949; LIGIE 8501.52.04
15 %; IVA 16 %; DTA 8 ‰, fr. III fee 425.44 in force in 2024 only; 63-A proof 60 days.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.discharge import kernel as fe
from immex.domain.errors import InvalidInput, NotFound
from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
from immex.services.decide.mix import whatif_mix
from immex.services.decide.plant_slice import load_slice
from immex.services.decide.whatif import whatif_sell
from immex.services.discharge import journal, runs
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from tests.support_decide import L0, L1, small_plant

SALE = date(2025, 1, 15)


@pytest.fixture
def plain(workspace_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = small_plant(workspace_url, tmp_path)
    yield ws
    ws.store.dispose()


@pytest.fixture
def prosec(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = small_plant(f"sqlite:///{tmp_path / 'p.db'}", tmp_path / "p", prosec=True)
    yield ws
    ws.store.dispose()


def _by_dest(result):  # type: ignore[no-untyped-def]
    return {o.destination: o for o in result.options}


def test_domestic_sale_without_prosec_and_export_to_the_us_with_a_us_duty(plain) -> None:  # type: ignore[no-untyped-def]
    r = whatif_sell(
        plain, "P1", Decimal(100), SALE, ["MEX", "USA", "DEU"], us_duty_usd=Decimal(500)
    )
    # FIFO: L0 is past its limit (skipped), 100 units of L1 = USD 10,000.0000
    assert [(u.pedimento, u.quantity, u.value_usd, u.days_left) for u in r.lots] == [
        (L1, Decimal(100), Decimal("10000"), 329)
    ]
    mex, usa, deu = (_by_dest(r)[d] for d in ("MEX", "USA", "DEU"))
    # VA = 10000 × 17.5335 = 175335 ; IGI 15 % = 26300.25 ; factor INPC 2024-12 / 2024-05 =
    # 137.949 / 134.087 → 1.0288 ; IGI updated 27057.70 → 27058 ; DTA 8 ‰ = 1402.68 → 1403
    # (the 2025 fee is not in the data: the minimum is not checked, and the plan says so);
    # IVA = 16 % × (175335 + 26300.25 + 1402.68) = 32486.07 → 32486 ; total 60947
    assert (mex.igi, mex.dta, mex.iva, mex.total) == (27058, 1403, 32486, 60947)
    assert mex.total_mfn == 60947 and mex.savings == 0 and mex.programs == ("MFN",)
    assert mex.iva_credit == 0 and mex.cash_cost == 60947 and mex.key == "F4"
    assert any("dta.immex_temporary_fee" in n for n in mex.notes)
    # 63-A: MX 26300.25 − US 500 × 20.8012 = 10400.60 → owed 15899.65 → 15900, due +60 days
    assert (usa.igi, usa.total, usa.due_by, usa.key) == (15900, 15900, date(2025, 3, 16), "RT")
    assert usa.detail["us_duty_mxn"] == Decimal("10400.6")
    # elsewhere: the inputs return, nothing owed in Mexico
    assert deu.total == 0 and deu.key == "RT" and r.cheapest == "DEU"
    # the lot past its limit: 30 units open (20 of 50 exported in July 2024), 61 days past
    assert [(x.pedimento, x.open_quantity, x.days_past) for x in r.past_limit] == [
        (L0, Decimal(30), 61)
    ]
    assert any("A3" in w for w in r.warnings)
    assert r.simulation and any("rate data from the workspace" in d for d in r.data_used)
    assert any("immex.limit" in d for d in r.data_used)


def test_domestic_sale_with_prosec(prosec) -> None:  # type: ignore[no-untyped-def]
    r = whatif_sell(prosec, "P1", Decimal(100), SALE, ["MEX", "USA"])
    mex, usa = _by_dest(r)["MEX"], _by_dest(r)["USA"]
    # PROSEC XIX Ex. → IGI 0 ; DTA 1403 ; IVA = 16 % × (175335 + 1402.68) = 28278.03 → 28278
    assert (mex.igi, mex.dta, mex.iva, mex.total) == (0, 1403, 28278, 29681)
    assert mex.total_mfn == 60947 and mex.savings == 60947 - 29681
    assert mex.programs == ("PROSEC sector XIX",)
    # 63-A at the PROSEC rate (RULES U-3): MX duty 0 → nothing owed
    assert usa.total == 0
    assert any("1 PROSEC row" in d and "1 PROSEC rows" not in d for d in r.data_used)


def test_shortfall_directed_and_errors(plain) -> None:  # type: ignore[no-untyped-def]
    r = whatif_sell(plain, "P1", Decimal(250), SALE, ["DEU"])
    assert [(s.part, s.required, s.missing) for s in r.shortfalls] == [
        ("M1", Decimal(250), Decimal(50))
    ]
    # before L0's limit: FIFO takes L0's 30 open units first, a directed line takes L1 first
    early = whatif_sell(plain, "P1", Decimal(40), date(2024, 8, 1), ["DEU"])
    assert [(u.pedimento, u.quantity) for u in early.lots] == [(L0, 30), (L1, 10)]
    directed = whatif_sell(plain, "P1", Decimal(40), date(2024, 8, 1), ["DEU"], pedimento=L1)
    assert [(u.pedimento, u.quantity, u.directed) for u in directed.lots] == [(L1, 40, True)]
    # default destinations: MEX, USA and the first other country exported to (DEU)
    assert [o.destination for o in whatif_sell(plain, "P1", Decimal(1), SALE).options] == [
        "MEX",
        "USA",
        "DEU",
    ]
    with pytest.raises(NotFound):
        whatif_sell(plain, "NOPE", Decimal(1), SALE)
    with pytest.raises(InvalidInput):
        whatif_sell(plain, "P1", Decimal(0), SALE)
    with pytest.raises(InvalidInput):
        whatif_sell(plain, "P1", Decimal(1), SALE, ["US"])


def test_mix_half_of_july_sold_in_mexico(plain) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        whatif_mix(plain, "2024-07", Decimal(50), "P1")  # no run yet
    runs.run_discharge(plain)
    r = whatif_mix(plain, "2024-07", Decimal(50), "P1")
    # July's export took 20 units of L0 (USD 2,000): half = 10 units, USD 1,000
    assert (r.inputs_value_usd, r.shifted_value_usd, r.shipment_lines) == (2000, 1000, 1)
    # change date Wed 2024-07-31; VA = 1000 × 17.6287 = 17628.70 ; IGI 15 % = 2644.305 ;
    # factor INPC 2024-06 / 2023-04 = 134.594 / 128.363 → 1.0485 ; 2772.55 → 2773
    # DTA 8 ‰ = 141.03 < fee 425.44 → the pedimento pays 425 (RULES C-10): 141 + 284
    # IVA = 16 % × (17628.70 + 2644.305 + 141.0296) = 3266.25 → 3266, plus 16 % × 284.41
    # = 45.51 → 45: 3311 ; total 2773 + 425 + 3311 = 6509
    o = r.option
    assert (o.igi, o.dta, o.iva, o.total, o.due_by) == (2773, 425, 3311, 6509, date(2024, 7, 31))
    assert r.actual_f4_total == 0
    with pytest.raises(InvalidInput):
        whatif_mix(plain, "2024-07", Decimal(150), "P1")


def test_cli_whatif_sell_and_mix(plain) -> None:  # type: ignore[no-untyped-def]
    url = plain.store.display_url if "postgresql" in plain.store.display_url else None
    if url is not None:
        pytest.skip("the CLI test runs on the SQLite file")
    db = str(plain.store.engine.url.database)
    cli = CliRunner()
    sell = ["whatif", "sell", "--db", db, "--product", "P1", "--date", "2025-01-15"]
    out = cli.invoke(app, [*sell, "--quantity", "100", "--us-duty", "500", "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["simulation"] is True and doc["options"][0]["total"] == "60947"
    text = cli.invoke(
        app,
        [
            "--lang",
            "en",
            "whatif",
            "sell",
            "--db",
            db,
            "--product",
            "P1",
            "--quantity",
            "100",
            "--date",
            "2025-01-15",
        ],
    )
    assert text.exit_code == 0 and "60,947" in text.output and "cheapest" in text.output
    es = cli.invoke(app, ["--lang", "es", "whatif", "sell", "--db", db, "--product", "P1",
                          "--quantity", "100", "--date", "2025-01-15"])  # fmt: skip
    assert es.exit_code == 0 and "60,947" in es.output and "el más barato" in es.output
    assert "Costo en efectivo" in es.output and "Cash cost" not in es.output
    bad = cli.invoke(
        app,
        [
            "whatif",
            "sell",
            "--db",
            db,
            "--product",
            "P1",
            "--quantity",
            "x",
            "--date",
            "2025-01-15",
            "--json",
        ],
    )
    assert bad.exit_code == 2 and json.loads(bad.stdout)["errors"]
    runs.run_discharge(plain)
    mix = cli.invoke(
        app,
        [
            "whatif",
            "mix",
            "--db",
            db,
            "--period",
            "2024-07",
            "--domestic-share",
            "50",
            "--product",
            "P1",
            "--json",
        ],
    )
    assert mix.exit_code == 0, mix.output
    assert json.loads(mix.stdout)["f4"]["total"] == "6509"


# --------------------------------------------------------------------------- properties

SPEC = PlantSpec(
    seed=11,
    materials=30,
    products=5,
    components=4,
    shipments=120,
    lots=200,
    days=700,
    directed=0.05,
    slow_movers=0.1,
    short_parts=0.1,
    start=date(2024, 1, 1),
)


@cache
def _base(root: str) -> tuple[Path, Path]:
    """A generated plant in a SQLite workspace, built once per session."""
    base = Path(root)
    ws = workspace.create_workspace(f"sqlite:///{base / 'base.db'}", actor="tester")
    company = workspace.add_company(ws, "EKU9003173C9", "Planta Ilustrativa")
    ws = ws.with_company(company)
    paths = write_plant(SPEC, base / "plant")
    for name in ORDER:
        import_file(ws, name, paths[name])
    ws.store.dispose()
    return base / "base.db", paths["shipments"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _base(str(tmp_path_factory.mktemp("whatif_base")))


SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def _real(db: Path, work: Path, name: str, quantity: int, when: date):  # type: ignore[no-untyped-def]
    """The real thing on a copy of ``db``: record the shipment (last of its day), run the
    discharge; the new line's allocations and shortfalls."""
    copy = work / "copy.db"
    shutil.copy(db, copy)
    ship = work / "shipments.csv"
    ship.write_text(
        "document,kind,date,product,quantity,destination,value_usd,pedimento\n"
        f"~WHATIF,export,{when},{name},{quantity},DEU,,\n"
    )
    real = workspace.open_workspace(f"sqlite:///{copy}", actor="tester", require_company=True)
    try:
        import_file(real, "shipments", ship)
        run = runs.run_discharge(real)
        assert run.run_id is not None
        with real.read() as repos:
            sid = max(r.id for r in repos.discharge_inputs.shipments(real.the_company.id))
            shorts = {
                r.part_number: Decimal(r.missing_micro).scaleb(-6)
                for r in repos.journal.shortfalls(run.run_id)
                if r.shipment_id == sid
            }
        rows = [r for r in journal.run_domain_result(real, run.run_id) if r[0] == sid]
    finally:
        real.store.dispose()
    return [(lot, qty, value, d) for _sid, lot, qty, value, _key, d in rows], shorts


def _as_real(sim):  # type: ignore[no-untyped-def]
    return [(u.lot_id, u.quantity, u.value_usd, u.directed) for u in sim.lots], {
        s.part: s.missing for s in sim.shortfalls
    }


def _start(db: Path, name: str, when: date):  # type: ignore[no-untyped-def]
    """The run a what-if of ``name`` on ``when`` would start from (None: a replay)."""
    ws = workspace.open_workspace(f"sqlite:///{db}", actor="tester", require_company=True)
    try:
        with ws.read() as repos:
            return load_slice(repos, ws.the_company, name, when).start
    finally:
        ws.store.dispose()


@settings(max_examples=6, deadline=None, suppress_health_check=SLOW)
@given(
    product=st.integers(0, 4),
    quantity=st.integers(1, 400),
    offset=st.integers(30, 720),
    n=st.integers(0, 10**6),
)
def test_whatif_never_writes_and_equals_a_real_run_on_a_copy(
    base: tuple[Path, Path], product: int, quantity: int, offset: int, n: int
) -> None:
    db, _ = base
    work = db.parent / f"copy_{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    when = SPEC.start + timedelta(days=offset)
    name = f"P{product:05d}"
    before = _digest(db)
    ws = workspace.open_workspace(f"sqlite:///{db}", actor="tester", require_company=True)
    try:
        sim = whatif_sell(ws, name, Decimal(quantity), when, ["DEU"])
    finally:
        ws.store.dispose()
    assert _digest(db) == before  # nothing written, not even an audit entry
    assert _as_real(sim) == _real(db, work, name, quantity, when)
    shutil.rmtree(work, ignore_errors=True)


@cache
def _base_run(root: str) -> Path:
    """The generated plant with a discharge run recorded (its lot uses and ledger state)."""
    db, _ = _base(root)
    ran = db.parent / "ran.db"
    shutil.copy(db, ran)
    ws = workspace.open_workspace(f"sqlite:///{ran}", actor="tester", require_company=True)
    try:
        runs.run_discharge(ws)
    finally:
        ws.store.dispose()
    return ran


@pytest.fixture(scope="module")
def ran(base: tuple[Path, Path]) -> Path:
    return _base_run(str(base[0].parent))


#: the last shipment of the generated plant is on or before SPEC.start + SPEC.days
@settings(max_examples=8, deadline=None, suppress_health_check=SLOW)
@given(
    product=st.integers(0, 4),
    quantity=st.integers(1, 400),
    offset=st.one_of(st.integers(SPEC.days, SPEC.days + 60), st.integers(30, SPEC.days)),
    n=st.integers(0, 10**6),
)
def test_whatif_from_the_runs_balances_equals_the_replay_and_a_real_run(
    ran: Path, product: int, quantity: int, offset: int, n: int
) -> None:
    """After a run, a line dated on or after the last recorded shipment starts from the
    run's lot balances (no shipment replayed); earlier lines replay: both give the replay's
    answer, which is a real run's."""
    work = ran.parent / f"ran_{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    when = SPEC.start + timedelta(days=offset)
    name = f"P{product:05d}"
    before = _digest(ran)
    ws = workspace.open_workspace(f"sqlite:///{ran}", actor="tester", require_company=True)
    try:
        fast = whatif_sell(ws, name, Decimal(quantity), when, ["MEX", "USA", "DEU"])
        slow = whatif_sell(ws, name, Decimal(quantity), when, ["MEX", "USA", "DEU"], from_run=False)
    finally:
        ws.store.dispose()
    assert _digest(ran) == before
    assert fast == slow
    start = _start(ran, name, when)
    if offset >= SPEC.days:
        assert start is not None and start.lines > 0
    assert _as_real(fast) == _real(ran, work, name, quantity, when)
    shutil.rmtree(work, ignore_errors=True)


def _shipment_file(path: Path, *lines: str) -> Path:
    path.write_text(
        "document,kind,date,product,quantity,destination,value_usd,pedimento\n"
        + "".join(f"{x}\n" for x in lines)
    )
    return path


def test_shipments_imported_after_the_run_follow_its_balances_other_changes_replay(
    ran: Path, tmp_path: Path
) -> None:
    end = SPEC.start + timedelta(days=SPEC.days)
    when = end + timedelta(days=10)
    assert _start(ran, "P00001", when) is not None
    copy = tmp_path / "changed.db"
    shutil.copy(ran, copy)
    ws = workspace.open_workspace(f"sqlite:///{copy}", actor="tester", require_company=True)
    try:
        # lines imported after the run, dated after every line it discharged: the FIFO
        # starts from the run's balances and walks them before the simulated line
        late = f"~LATE,export,{end + timedelta(days=5)},P00001,120,DEU,,"
        import_file(ws, "shipments", _shipment_file(tmp_path / "late.csv", late))
        for day, qty in ((when, 80), (end + timedelta(days=2), 30)):
            start = _start(copy, "P00001", day)
            assert start is not None
            sim = whatif_sell(ws, "P00001", Decimal(qty), day, ["DEU"])
            assert sim == whatif_sell(ws, "P00001", Decimal(qty), day, ["DEU"], from_run=False)
            work = tmp_path / f"real_{qty}"
            work.mkdir()
            assert _as_real(sim) == _real(copy, work, "P00001", qty, day)
        assert any("dated after" in n for n in sim.notes)  # ~LATE comes after the line
        # a line dated before one the run discharged: the run no longer covers it, a replay
        early = f"~EARLY,export,{SPEC.start + timedelta(days=200)},P00001,50,DEU,,"
        import_file(ws, "shipments", _shipment_file(tmp_path / "early.csv", early))
        assert _start(copy, "P00001", when) is None
        sim = whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"])
        assert sim == whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"], from_run=False)
        runs.run_discharge(ws)  # a new run covers it again, and gives the same answer
        assert _start(copy, "P00001", when) is not None
        assert whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"]) == sim
        # any other import (here the same BOM again, as a new file) means a replay
        bom = tmp_path / "bom.csv"
        shutil.copy(_base(str(ran.parent))[1].parent / "bom.csv", bom)
        bom.write_text(bom.read_text() + "\n")
        import_file(ws, "bom", bom)
        assert _start(copy, "P00001", when) is None
        assert whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"]) == sim
        runs.run_discharge(ws)
        assert _start(copy, "P00001", when) is not None
        # a run that stops at a date does not record balances to start from
        runs.run_discharge(ws, through=end + timedelta(days=30))
        assert _start(copy, "P00001", when) is None
    finally:
        ws.store.dispose()


def test_a_line_imported_on_the_day_of_the_runs_last_replays(ran: Path, tmp_path: Path) -> None:
    """A line imported after the run but dated on the day of the last line the run
    discharged may come before it in processing order (document, line): a replay."""
    when = SPEC.start + timedelta(days=SPEC.days + 10)
    ws = workspace.open_workspace(f"sqlite:///{ran}", actor="tester", require_company=True)
    try:
        with ws.read() as repos:
            replay = load_slice(repos, ws.the_company, "P00001", when, from_run=False).plant
    finally:
        ws.store.dispose()
    last = fe.from_day(int(replay.ship_date.max()))
    copy = tmp_path / "same_day.db"
    shutil.copy(ran, copy)
    ws = workspace.open_workspace(f"sqlite:///{copy}", actor="tester", require_company=True)
    try:
        line = f"!SAME,export,{last},P00001,40,DEU,,"
        import_file(ws, "shipments", _shipment_file(tmp_path / "same.csv", line))
        assert _start(copy, "P00001", when) is None
        sim = whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"])
        assert sim == whatif_sell(ws, "P00001", Decimal(80), when, ["DEU"], from_run=False)
    finally:
        ws.store.dispose()


def test_after_a_run_a_whatif_starts_from_its_balances_on_each_store(plain) -> None:  # type: ignore[no-untyped-def]
    """On SQLite and PostgreSQL: after a run, a line dated on or after the last shipment
    (EXP-1, 2024-07-01) starts from the run's balances — L0 past its limit on SALE included,
    a directed line too — with the replay's answer; an earlier line replays."""

    def start(when: date):  # type: ignore[no-untyped-def]
        with plain.read() as repos:
            return load_slice(repos, plain.the_company, "P1", when).start

    cases = [(SALE, None), (SALE, L1), (date(2024, 7, 1), None), (date(2024, 8, 1), L0),
             (date(2024, 11, 15), None)]  # L0 on its limit day: still usable  # fmt: skip
    replayed = [whatif_sell(plain, "P1", Decimal(100), d, pedimento=p) for d, p in cases]
    assert start(SALE) is None  # no run yet
    run = runs.run_discharge(plain)
    assert start(SALE) == (run.run_id, 1) and start(date(2024, 7, 1)) == (run.run_id, 1)
    assert start(date(2024, 6, 30)) is None  # before EXP-1: replayed
    for (d, p), before in zip(cases, replayed, strict=True):
        assert whatif_sell(plain, "P1", Decimal(100), d, pedimento=p) == before
        assert whatif_sell(plain, "P1", Decimal(100), d, pedimento=p, from_run=False) == before
    assert replayed[0].past_limit and replayed[0].lots  # L0 is past its limit on SALE


def test_a_certified_company_credits_the_iva(plain) -> None:  # type: ignore[no-untyped-def]
    workspace.add_certification(plain, plain.the_company, date(2025, 1, 1), None, "ILLUSTRATIVE")
    mex = whatif_sell(plain, "P1", Decimal(100), SALE, ["MEX"]).options[0]
    # LIVA 28-A (RULES C-9): the IVA of 32486 is paid and credited in full
    assert (mex.iva, mex.iva_credit, mex.total, mex.cash_cost) == (32486, 32486, 60947, 28461)
    assert any("LIVA 28-A" in n for n in mex.notes)
