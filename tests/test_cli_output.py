"""CLI output for people and for logs (issue 16.4): the commands run for real on the demo
workspace with their output captured (CliRunner's stdout is not a terminal, as a pipe or a
log file): no table cuts a value (``…``), quantities carry no meaningless zeros, pedimentos
read ``YY AD PPPP NNNNNNN``."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rich.table import Table
from typer.testing import CliRunner

from immex.cli.common import Out, money, pedimento_text, plain_table, qty
from immex.cli.main import app
from tests.support_demo import demo_run

runner = CliRunner()

LONG = "EXP-000123-A-LONG-DOCUMENT-NUMBER-THAT-NEVER-FITS-IN-EIGHTY-COLUMNS"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("cli-output")
    db = folder / "immex.db"
    shutil.copy(Path(demo_run().db.removeprefix("sqlite:///")), db)
    yield f"sqlite:///{db}"


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


# ------------------------------------------------------------------------- the helpers
def test_quantities_drop_meaningless_zeros_money_keeps_two_decimals() -> None:
    assert qty(Decimal("12.000000")) == "12"
    assert qty(Decimal("708.500000")) == "708.5"
    assert qty(Decimal("14833.250000")) == "14,833.25"
    assert qty(Decimal("1E+3")) == "1,000"
    assert qty(Decimal("0.000100")) == "0.0001"
    assert money(Decimal("144.0446")) == "144.04"
    assert money(Decimal("6229.86")) == "6,229.86"
    assert money(Decimal("5")) == "5.00"
    assert pedimento_text("242430124000286") == "24 24 3012 4000286"
    assert pedimento_text("FAC-1") == "FAC-1"  # an export invoice stays as it is


def _table() -> Table:
    table = Table("document", "qty", "note", title="allocations")
    table.add_row(LONG, "1,234.5", "first line\nsecond line")
    table.add_row("B", "7", "[bold]markup[/bold] read")
    return table


def test_a_table_piped_is_plain_columns_with_every_value_whole() -> None:
    text = plain_table(_table(), Out(file=io.StringIO(), width=40))
    lines = text.splitlines()
    assert lines[0] == "allocations"
    assert lines[1].split() == ["document", "qty", "note"]
    assert LONG in lines[2] and "first line" in lines[2] and "second line" in lines[3]
    assert "…" not in text and "┃" not in text and "[bold]" not in text and "markup read" in text
    # a column of numbers is aligned on the right
    assert lines[2].index("1,234.5") + len("1,234.5") == lines[4].index("7") + 1


def test_out_writes_plain_columns_when_not_a_terminal_and_folds_on_one() -> None:
    piped = io.StringIO()
    Out(file=piped, width=40, force_terminal=True).print(_table())  # FORCE_COLOR does not fool it
    assert LONG in piped.getvalue() and "…" not in piped.getvalue()

    class Screen(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Screen()
    Out(file=screen, width=40, color_system=None).print(_table())
    shown = screen.getvalue()
    assert "…" not in shown and "┃" in shown  # a real table, folded, nothing cut
    assert "".join(re.findall(r"EXP[-\w]*|[-\w]+", shown)).count("EIGHTY") == 1


# --------------------------------------------------------------- real commands, piped
COMMANDS = [
    ("balance", "--as-of", "2026-02-28"),
    ("expiry", "--within", "90", "--as-of", "2026-02-28"),
    ("discharge", "show", "1", "--limit", "20"),
    ("discharge", "list"),
    ("f4", "plan", "--period", "2026-02"),
    ("63a", "report", "--period", "2026-02"),
    ("expiry", "plan", "--as-of", "2026-03-20", "--within", "60"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_piped_commands_never_cut_a_value(demo_db: str, args: tuple[str, ...]) -> None:
    out = run(*args, "--db", demo_db)
    assert not re.search(r"\S…", out), "a value cut short"  # " … " is a range (FIX 1991 … 2026)
    assert not re.search(r"\d\.\d*0{3,}\b", out), "a quantity with meaningless zeros"
    assert not re.search(r"(?<!\d)\d{15}(?!\d)", out), "a pedimento printed unspaced"


def test_balance_piped_shows_full_pedimentos_dates_and_quantities(demo_db: str) -> None:
    out = run("balance", "--as-of", "2026-02-28", "--db", demo_db)
    row = next(line for line in out.splitlines() if line.startswith("101 "))
    assert row.split()[:9] == ["101", "24", "47", "3012", "4000286", "CON-RJ", "2024-10-04",
                               "2026-04-04", "35"]  # fmt: skip
    assert re.search(r" 14,833 +PZA ", row) and "6,229.86" in row  # the quantity and its UMC
    header = " ".join(out.splitlines()[:4])
    assert "UMC" in header
    steel = [line for line in out.splitlines() if " STL-" in line]
    assert steel and all(re.search(r"\d +KG ", line) for line in steel)  # steel: by the kilo


def test_json_keeps_the_fifteen_digits(demo_db: str) -> None:
    import json

    body = json.loads(run("balance", "--as-of", "2026-02-28", "--db", demo_db, "--json"))
    assert any(lot["pedimento"] == "244730124000286" for lot in body["lots"])
    # each lot's unit (UMC, the SAT code the ledger keeps) next to the fields it had
    lot = next(lot for lot in body["lots"] if lot["part"] == "CON-RJ")
    assert lot["umc"] == "06" and {"open_quantity", "open_value_usd", "quantity"} <= set(lot)
    assert {lot["umc"] for lot in body["lots"] if lot["part"].startswith("STL-")} == {"01"}
    expiry = json.loads(run("expiry", "--within", "3660", "--as-of", "2026-02-28",
                            "--db", demo_db, "--json"))  # fmt: skip
    assert expiry["lots"] and all(lot["umc"] in {"01", "06"} for lot in expiry["lots"])


def test_discharge_run_names_its_first_ten_shortfalls_and_where_all_are(tmp_path: Path) -> None:
    from immex.samples.plant_generator import ORDER, PlantSpec, write_plant
    from immex.services.ledger.importer import import_file
    from immex.services.workspace import companies as workspace

    url = f"sqlite:///{tmp_path / 'immex.db'}"
    ws = workspace.create_workspace(url, actor="tester")
    ws = ws.with_company(workspace.add_company(ws, "EKU9003173C9", "Planta Ilustrativa"))
    spec = PlantSpec(seed=3, materials=40, products=6, components=5, shipments=150, lots=300,
                     days=760, directed=0.05, slow_movers=0.1, short_parts=0.1)  # fmt: skip
    paths = write_plant(spec, tmp_path / "plant")
    for name in ORDER:
        import_file(ws, name, paths[name])
    ws.store.dispose()
    dry = runner.invoke(app, ["--lang", "es", "discharge", "run", "--dry-run", "--db", url])
    assert dry.exit_code == 0, dry.output
    assert "una corrida de prueba no guarda diario" in dry.stdout
    out = runner.invoke(app, ["--lang", "es", "discharge", "run", "--db", url]).stdout
    total = re.search(r"faltantes \(los primeros 10 de ([\d,]+)\):", out)
    assert total and int(total.group(1).replace(",", "")) > 10, out
    line = re.compile(r"  \S+/\d+ \d{4}-\d\d-\d\d \S+: faltan ")
    named = [ln for ln in out.splitlines() if line.match(ln)]
    assert len(named) == 10
    assert "`immex discharge show 1 --json`, o la página /c/EKU9003173C9/discharge/runs/1" in out
    en = runner.invoke(app, ["--lang", "en", "discharge", "run", "--db", url]).stdout
    assert "shortfalls (the first 10 of" in en and ": missing " in en
