"""Property and fuzz tests of the Data Stage import.

* round trip: import a generated ZIP, export the stored data: the same rows come back;
* fuzz: damaged ZIPs and damaged tables never crash the import and never write part of it
  (either the whole file is accepted or BatchError is raised and the store is unchanged).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immex.datastage.generator import generate_datastage
from immex.datastage.reader import read_all
from immex.domain.errors import BatchError
from immex.services.sat.datastage_export import export_tables
from immex.services.sat.datastage_import import import_datastage
from immex.services.workspace import companies as workspace
from tests.support_datastage import members, row_counts, write_zip

_TMP = Path(tempfile.mkdtemp(prefix="immex_fuzz_"))
_BASE = generate_datastage(_TMP, seed=99, lines=40, folio="9990099").path
_BASE_MEMBERS = members(_BASE)
_TEMPLATE = _TMP / "template.db"
_WS = workspace.create_workspace(f"sqlite:///{_TEMPLATE}")
import_datastage(_WS, [generate_datastage(_TMP, seed=5, lines=20, folio="9990005").path])
_WS.store.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    lines=st.integers(1, 80),
    per=st.integers(1, 12),
    pitfalls=st.booleans(),
    companions=st.booleans(),
)
def test_import_then_export_reproduces_the_rows(
    seed: int, lines: int, per: int, pitfalls: bool, companions: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        gen = generate_datastage(
            tmp,
            seed=seed,
            lines=lines,
            lines_per_pedimento=per,
            pitfalls=pitfalls,
            companions=companions,
        )
        ws = workspace.create_workspace(f"sqlite:///{tmp}/w.db")
        engine = ws.store.engine
        import_datastage(ws, [gen.path])
        tables, errors, _ = read_all(gen.path)
        assert errors == []
        stored = export_tables(ws)
        engine.dispose()
        for code, records in tables.items():
            assert Counter(stored[code]) == Counter(records), code
        assert len(tables["551"]) == gen.counts["551"] >= 1


_INSERTS = [b"|", b"\x00", b"\r", b"\n", b".", b"-", b"x", b"\x81", b" ", b"9", b"\xff", b""]


def _damage_table(rnd: random.Random) -> dict[str, bytes]:
    files = dict(_BASE_MEMBERS)
    name = rnd.choice(sorted(files))
    data = bytearray(files[name])
    for _ in range(rnd.randint(1, 3)):
        how = rnd.randrange(5)
        pos = rnd.randrange(len(data) + 1)
        if how == 0 and data:
            del data[pos % len(data)]
        elif how == 1:
            data[pos:pos] = rnd.choice(_INSERTS)
        elif how == 2:
            data = data[:pos]
        elif how == 3:
            lines = bytes(data).split(b"\r\n")
            i = rnd.randrange(len(lines))
            lines.insert(i, lines[i])  # a repeated row
            data = bytearray(b"\r\n".join(lines))
        elif data:
            data[pos % len(data)] = rnd.randrange(256)
    files[name] = bytes(data)
    if rnd.random() < 0.1:
        files.pop(rnd.choice(sorted(files)))
    return files


def _damage_zip(rnd: random.Random, raw: bytes) -> bytes:
    data = bytearray(raw)
    for _ in range(rnd.randint(1, 4)):
        pos = rnd.randrange(len(data))
        data[pos] = rnd.randrange(256)
    if rnd.random() < 0.3:
        data = data[: rnd.randrange(len(data))]
    return bytes(data)


def _attempt(db_url: str, zip_path: Path) -> None:
    ws = workspace.open_workspace(db_url)
    engine = ws.store.engine
    before = row_counts(engine)
    try:
        import_datastage(ws, [zip_path])
    except BatchError as exc:
        assert exc.errors
        assert all(e.source for e in exc.errors)
        assert row_counts(engine) == before, "a failed import must leave the store unchanged"
    else:  # harmless damage: the file was accepted as a whole
        tables, errors, _ = read_all(zip_path)
        assert errors == []
    finally:
        engine.dispose()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), whole_zip=st.booleans())
def test_damaged_input_never_crashes_nor_writes_partly(
    seed: int, whole_zip: bool, tmp_path: Path
) -> None:
    rnd = random.Random(seed)
    db = tmp_path / f"w{seed}.db"
    shutil.copy(_TEMPLATE, db)
    target = tmp_path / "9990099_solicitudes.zip"
    if whole_zip:
        target.write_bytes(_damage_zip(rnd, _BASE.read_bytes()))
    else:
        write_zip(target, _damage_table(rnd))
    _attempt(f"sqlite:///{db}", target)


def test_damaged_inputs_on_both_stores(workspace_url: str, tmp_path: Path) -> None:
    ws = workspace.create_workspace(workspace_url)
    engine = ws.store.engine
    import_datastage(ws, [generate_datastage(tmp_path, seed=5, lines=20).path])
    engine.dispose()
    rnd = random.Random(20261128)
    for i in range(8):
        target = tmp_path / f"{i}" / "9990099_solicitudes.zip"
        target.parent.mkdir()
        if i % 2:
            target.write_bytes(_damage_zip(rnd, _BASE.read_bytes()))
        else:
            write_zip(target, _damage_table(rnd))
        _attempt(workspace_url, target)


def test_zip_bytes_are_checked_by_crc(tmp_path: Path) -> None:
    """A flipped byte inside a member's compressed data is a damaged ZIP, never half read."""
    raw = bytearray(_BASE.read_bytes())
    with zipfile.ZipFile(_BASE) as zf:
        info = zf.getinfo("9990099_551.asc")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    raw[start] ^= 0xFF
    bad = tmp_path / "9990099_solicitudes.zip"
    bad.write_bytes(bytes(raw))
    db = tmp_path / "w.db"
    shutil.copy(_TEMPLATE, db)
    with pytest.raises(BatchError):
        import_datastage(workspace.open_workspace(f"sqlite:///{db}"), [bad])
