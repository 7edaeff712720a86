"""SAT files in another encoding than the one SAT writes: archivo M is read in whatever
encoding it is (UTF-8, UTF-16, Windows-1252); a Data Stage table that is not Windows-1252
is named for what it is instead of being read as mojibake."""

from __future__ import annotations

from pathlib import Path

import pytest

from immex.datastage.m3 import parse_m3
from immex.datastage.reader import DataStageZip
from tests.support_datastage import M3_SAMPLE, SAMPLE, rewrite

needs_sample = pytest.mark.skipif(not M3_SAMPLE.exists(), reason="../shared not present")


@needs_sample
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16"])
def test_archivo_m_in_unicode_reads_as_the_original(tmp_path: Path, codec: str) -> None:
    text = M3_SAMPLE.read_bytes().decode("cp1252")
    path = tmp_path / M3_SAMPLE.name
    path.write_bytes(text.encode(codec))
    original, again = parse_m3(M3_SAMPLE), parse_m3(path)
    assert again.errors == [] and again.pedimentos == original.pedimentos


@pytest.mark.parametrize(
    "data,words",
    [(b"", "empty file"), (bytes(range(256)) * 8, "binary data"), (b"\x89PNG\r\n\x1a\n", "")],
)
def test_archivo_m_that_is_not_text_is_one_error(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "m3999001.062"
    path.write_bytes(data)
    parsed = parse_m3(path)
    assert parsed.errors and parsed.pedimentos == []
    assert words in parsed.errors[0].message


@pytest.mark.skipif(not SAMPLE.exists(), reason="../shared not present")
@pytest.mark.parametrize("codec,label", [("utf-16", "UTF-16 LE"), ("utf-8-sig", "UTF-8 with BOM")])
def test_data_stage_table_in_unicode_is_named(tmp_path: Path, codec: str, label: str) -> None:
    path = rewrite(
        SAMPLE, tmp_path / SAMPLE.name, "551", lambda b: b.decode("cp1252").encode(codec)
    )
    with DataStageZip(path) as dz:
        list(dz.rows("551"))
        [error] = [e for e in dz.errors if "551" in e.source]
    assert f"the table is {label} text" in error.message and error.line == 1
