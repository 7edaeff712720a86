"""Every error a person reads for a bad row of a ledger file — file, line, column, what is
wrong and how to fix it — in the reader's language (issue 16): Spanish without an English
sentence, English as the code writes it, through the importers, the CLI and the API; the
counts of an import in the form their number takes ("1 fila", "2 filas")."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from immex.cli.main import app
from immex.domain.errors import BatchError, ErrorRecord
from immex.domain.messages import Msg
from immex.reports.i18n import record_text, tr
from immex.services.ledger.importer import import_file
from immex.services.workspace import companies as workspace
from immex.services.workspace.context import Workspace
from tests.test_catalog_messages import english_sentences

RFC = "EKU9003173C9"
TODAY = date(2026, 3, 2)
MATERIALS = (
    "part_number,description,kind,fraccion,umc\n"
    "M1,Resistencia,input,8533.21.01,Pza\n"
    "FA,Prensa,fixed_asset,8462.29.99,Pza\n"
)
PRODUCTS = "part_number,description,fraccion,umc\nP1,Arnés,8544.30.01,Pza\nP2,Sub,8544.30.01,Pza\n"
BOM = "product,component,qty_per_unit,valid_from\nP1,M1,2,2025-01-01\n"
PEDIMENTOS = (
    "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
    "25 47 3012 5000001,IN,2025-01-10,M1,10,5,CHN\n"
)
SHIPMENTS = (
    "document,kind,date,product,quantity,destination,value_usd\nE1,export,2025-03-01,P1,1,USA,10\n"
)


@dataclass(frozen=True)
class Case:
    """A bad file and, for some of its errors, (line, column, Spanish words, English words)."""

    kind: str
    text: str
    expect: tuple[tuple[int, str, str, str], ...]


CASES = {
    "materials": Case(
        "materials",
        "part_number,description,kind,fraccion,umc\n"
        "M1,Uno,widget,9999.99.99,XYZ\n"
        "M1,,input,abc,Pza\n",
        (
            (2, "kind", "tipo desconocido", "unknown kind"),
            (2, "fraccion", "no está en la Tarifa", "not in the bundled LIGIE"),
            (2, "umc", "unidad de medida desconocida", "unknown unit"),
            (3, "part_number", "repetido en este archivo", "repeated in this file"),
            (3, "description", "falta un valor obligatorio", "required value is empty"),
        ),
    ),
    "products": Case(
        "products",
        "part_number,description,fraccion,umc\n" + "X" * 81 + ",Arnés,8544.30.01,Pza\n"
        "P3,Arnés,85443001x,Pzz\n",
        (
            (2, "part_number", "más de 80 caracteres", "longer than 80 characters"),
            (3, "fraccion", "no es una fracción arancelaria", "not a tariff fraction"),
        ),
    ),
    "bom": Case(
        "bom",
        "product,component,qty_per_unit,scrap_pct,valid_from,valid_to\n"
        "P1,M1,3,,2025-06-01,\n"
        "PX,MX,0,-1,2025-13-01,\n"
        "P1,M1,1.1234567,x,2025-05-01,2025-04-01\n"
        "P1,P2,1,,,\n"
        "P2,P1,1,,,\n",
        (
            (2, "valid_from", "se traslapa con otra versión de P1 → M1", "overlaps another"),
            (3, "qty_per_unit", "debe ser mayor que cero", "must be greater than zero"),
            (3, "scrap_pct", "no debe ser negativo", "must not be negative"),
            (3, "valid_from", "no es una fecha", "not a date"),
            (3, "product", "producto desconocido", "unknown product"),
            (3, "component", "componente desconocido", "unknown component"),
            (4, "qty_per_unit", "más de 6 decimales", "more than 6 decimals"),
            (4, "valid_to", "termina antes de", "ends before valid_from"),
            (6, "component", "contiene un ciclo: P2 → P1 → P2", "a cycle"),
        ),
    ),
    "pedimentos": Case(
        "pedimentos",
        "pedimento,clave,date,part_number,quantity,value_usd,origin\n"
        "25 99 3012 5000002,IN,2025-01-10,M1,10,5,CHN\n"
        "25 47 3012 6000003,IN,2025-01-10,M1,10,5,CHN\n"
        "25 47 3012 5000004,IN,2024-05-10,M1,10,5,CHN\n"
        "25 47 3012 5000005,XX,2027-01-10,NOPE,0,-5,ZZZ\n"
        "25 47 3012 5000006,AF,2025-01-10,M1,10,5,QQQ\n"
        "25 47 3012 5000007,IN,2025-01-10,FA,10,5,USA\n"
        "123,IN,10/01/2025,,abc,x,USA\n"
        "25 47 3012 5000001,IN,2025-01-10,M1,11,5,CHN\n",
        (
            (2, "pedimento", "no es una aduana del catálogo", "is not a customs office"),
            (3, "pedimento", "debe empezar con 5, el último dígito", "must start with 5"),
            (4, "date", "el año del pedimento y la fecha", "the year of a pedimento"),
            (5, "clave", "clave de pedimento desconocida", "unknown pedimento key"),
            (5, "date", "fecha posterior a hoy (2026-03-02)", "dated after today"),
            (5, "part_number", "material desconocido", "unknown material"),
            (5, "origin", "no es un origen para un lote", "is not an origin"),
            (6, "origin", "país desconocido", "unknown country"),
            (6, "clave", "AF es la clave del activo fijo", "AF is the key of fixed assets"),
            (7, "clave", "lleva la clave AF", "takes key AF"),
            (8, "pedimento", "no es un número de pedimento", "not a pedimento number"),
            (8, "quantity", "no es un número", "not a number"),
            (9, "pedimento", "guardadas: 1; en este archivo: 1", "1 stored, 1 in this file"),
        ),
    ),
    "shipments": Case(
        "shipments",
        "document,kind,date,product,quantity,destination,value_usd,pedimento,evidence\n"
        "E2,destruction,2025-03-01,P1,1,,,,\n"
        "E3,gift,2027-03-01,PX,0,QQQ,-1,25 47 3012 5009999,\n"
        "E4,export,2025-03-01,P1,1,USA,10,999,\n"
        "E1,export,2025-03-01,P1,2,USA,10,,\n",
        (
            (2, "evidence", "una destrucción necesita su comprobante", "needs its evidence"),
            (3, "kind", "tipo desconocido", "unknown kind"),
            (3, "date", "una salida se registra una vez ocurrida", "a shipment is recorded"),
            (3, "destination", "país desconocido", "unknown country"),
            (3, "pedimento", "el descargo dirigido nombra", "directed discharge names"),
            (4, "pedimento", "no es un número de pedimento", "not a pedimento number"),
            (5, "document", "nunca cambia las líneas guardadas", "never changed by a re-import"),
        ),
    ),
}


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A company with two materials (one a fixed asset), two products, a BOM line, a
    pedimento and a shipment."""
    space = workspace.create_workspace(f"sqlite:///{tmp_path / 'w.db'}", today=TODAY)
    company = workspace.add_company(space, RFC, "Ejemplo Ilustrativo")
    ready = space.with_company(company)
    for kind, text in (("materials", MATERIALS), ("products", PRODUCTS), ("bom", BOM),
                       ("pedimentos", PEDIMENTOS), ("shipments", SHIPMENTS)):  # fmt: skip
        import_file(ready, kind, _write(tmp_path, f"ok-{kind}.csv", text))
    yield ready
    space.store.dispose()


def _refused(ws: Workspace, tmp: Path, case: Case) -> tuple[str, BatchError]:
    name = f"malo-{case.kind}.csv"
    with pytest.raises(BatchError) as exc:
        import_file(ws, case.kind, _write(tmp, name, case.text))
    return name, exc.value


def _found(errors: list[ErrorRecord], line: int, column: str, words: str, lang: str) -> str:
    texts = [record_text(e, lang) for e in errors if e.line == line and e.field == column]
    assert any(words in t for t in texts), (line, column, words, texts)
    return next(t for t in texts if words in t)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_bad_file_is_told_in_spanish_and_in_english(
    ws: Workspace, tmp_path: Path, kind: str
) -> None:
    case = CASES[kind]
    name, err = _refused(ws, tmp_path, case)
    errors = err.errors
    assert len(errors) >= len(case.expect)
    for line, column, spanish, english in case.expect:
        es = _found(errors, line, column, spanish, "es")
        en = _found(errors, line, column, english, "en")
        where = str(tmp_path / name) + f":{line}: {column}: "
        assert es.startswith(where) and en.startswith(where)  # file, line and column
    # every message is one of the catalog, and reads as Spanish in Spanish
    assert all(isinstance(e.message, Msg) for e in errors), [
        e.message for e in errors if not isinstance(e.message, Msg)
    ]
    spanish = [str(tr(e.message, "es")) for e in errors]
    assert english_sentences(spanish) == []
    assert all(s != str(tr(e.message, "en")) for s, e in zip(spanish, errors, strict=True))
    summary = str(tr(err.message, "es"))
    assert summary in (
        f"se encontraron {len(errors)} errores; no se escribió nada",
        "se encontró 1 error; no se escribió nada",
    )


def test_notes_of_an_import_in_spanish(ws: Workspace, tmp_path: Path) -> None:
    """The notes of a good file (a late-December pedimento entering in January, a file read
    with another separator) are Spanish too."""
    text = (
        "pedimento;clave;date;part_number;quantity;value_usd;origin\n"
        "24 47 3012 4000009;IN;2025-01-03;M1;10;5;CHN\n"
    )
    r = import_file(ws, "pedimentos", _write(tmp_path, "enero.csv", text))
    notes = [str(tr(n, "es")) for n in r.notes]
    assert any("punto y coma" in n for n in notes), notes
    assert any("enero.csv:2: el pedimento 244730124000009 de 2024 entra el 2025-01-03" in n
               for n in notes), notes  # fmt: skip
    assert english_sentences(notes) == []
    assert any("read as semicolon (;)-separated" in str(tr(n, "en")) for n in r.notes)


def _cli(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, [ln for ln in result.stderr.splitlines() if ln.strip()]


@pytest.mark.parametrize("kind", ["pedimentos", "shipments"])
def test_the_cli_says_each_error_in_the_language_asked_for(tmp_path: Path, kind: str) -> None:
    db = str(tmp_path / "w.db")
    space = workspace.create_workspace(f"sqlite:///{db}", today=TODAY)
    ready = space.with_company(workspace.add_company(space, RFC, "Ejemplo"))
    for k, text in (("materials", MATERIALS), ("products", PRODUCTS),
                    ("pedimentos", PEDIMENTOS), ("shipments", SHIPMENTS)):  # fmt: skip
        import_file(ready, k, _write(tmp_path, f"ok-{k}.csv", text))
    space.store.dispose()
    case = CASES[kind]
    bad = str(_write(tmp_path, "malo.csv", case.text))
    code, es = _cli("--lang", "es", "import", kind, bad, "--db", db)
    assert code == 2
    code, en = _cli("--lang", "en", "import", kind, bad, "--db", db)
    assert code == 2
    line, column, spanish, english = case.expect[0]
    assert any(f"malo.csv:{line}: {column}: " in ln and spanish in ln for ln in es), es
    assert any(f"malo.csv:{line}: {column}: " in ln and english in ln for ln in en), en
    assert english_sentences([ln.replace(bad, "") for ln in es]) == []


def test_the_api_lists_the_errors_in_the_readers_language(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from immex.api.v1.auth import JobRunners, ServerSettings
    from immex.services.accounts import tokens, users
    from immex.web.site import create_site

    url = f"sqlite:///{tmp_path / 'w.db'}"
    space = workspace.create_workspace(url, actor="installer", today=TODAY)
    ready = space.with_company(workspace.add_company(space, RFC, "Ejemplo"))
    for k, text in (("materials", MATERIALS), ("products", PRODUCTS)):
        import_file(ready, k, _write(tmp_path, f"ok-{k}.csv", text))
    users.add_user(space, "ana@example.com", "specialist", [RFC])
    token = tokens.create_token(space, "ana@example.com").token
    space.store.dispose()
    site = create_site(url, ServerSettings(jobs=JobRunners.HERE))
    case = CASES["bom"]
    bodies = {}
    with TestClient(site) as client:
        for lang in ("es-MX,es;q=0.9", "en-US,en;q=0.8"):
            r = client.post(
                f"/api/v1/companies/{RFC}/imports/bom",
                headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
                files=[("file", ("bom.csv", case.text.encode(), "text/csv"))],
            )
            assert r.status_code == 422, r.text
            bodies[lang[:2]] = r.json()
    site.state.immex_server.close()
    es, en = bodies["es"], bodies["en"]
    assert [e["code"] for e in es["errors"]] == [e["code"] for e in en["errors"]]
    assert all(e["code"].startswith(("import.", "check.", "bom.")) for e in es["errors"])
    by_place = {(e["line"], e["column"]): e["message"] for e in es["errors"]}
    assert "debe ser mayor que cero" in by_place[(3, "qty_per_unit")]
    assert english_sentences([e["message"] for e in es["errors"]]) == []
    assert (
        "must be greater than zero"
        in {(e["line"], e["column"]): e["message"] for e in en["errors"]}[(3, "qty_per_unit")]
    )


# ------------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("rows", "spanish", "english"),
    [
        (1, "1 fila — 1 nueva, 0 actualizadas, 0 sin cambios",
         "1 row — 1 new, 0 updated, 0 unchanged"),
        (2, "2 filas — 2 nuevas, 0 actualizadas, 0 sin cambios",
         "2 rows — 2 new, 0 updated, 0 unchanged"),
    ],
)  # fmt: skip
def test_an_import_counts_its_rows_in_the_right_form(
    ws: Workspace, tmp_path: Path, rows: int, spanish: str, english: str
) -> None:
    body = "".join(f"N{i},Nuevo {i},input,8533.21.01,Pza\n" for i in range(rows))
    path = _write(tmp_path, "nuevos.csv", "part_number,description,kind,fraccion,umc\n" + body)
    r = import_file(ws, "materials", path)
    assert str(tr(r.message, "es")) == f"nuevos.csv: {spanish}"
    assert str(tr(r.message, "en")) == f"nuevos.csv: {english}" == str(r.message)
    updated = body.replace("Nuevo", "Cambiado")
    changed = import_file(ws, "materials", _write(tmp_path, "cambio.csv", path.read_text()
                                                   .replace(body, updated)))  # fmt: skip
    n = "1 actualizada" if rows == 1 else f"{rows} actualizadas"
    assert f"0 nuevas, {n}, 0 sin cambios" in str(tr(changed.message, "es"))


@pytest.mark.parametrize("rows", [1, 2])
def test_a_file_already_in_the_store_counts_its_rows_in_the_right_form(
    ws: Workspace, tmp_path: Path, rows: int
) -> None:
    body = "".join(f"S{rows},export,2025-03-0{i + 1},P1,1,USA,10\n" for i in range(rows))
    text = "document,kind,date,product,quantity,destination,value_usd\n" + body
    import_file(ws, "shipments", _write(tmp_path, "salidas.csv", text))
    again = import_file(ws, "shipments", _write(tmp_path, "otra-vez.csv", text + "\n"))
    assert again.already_imported and again.unchanged == rows  # other bytes, the same lines
    spanish = {1: "1 fila, ya importada con", 2: "2 filas, todas ya importadas con"}[rows]
    english = {1: "1 row, already imported", 2: "2 rows, all already imported"}[rows]
    assert str(tr(again.message, "es")).startswith(f"otra-vez.csv: {spanish}")
    assert str(tr(again.message, "en")).startswith(f"otra-vez.csv: {english}")
