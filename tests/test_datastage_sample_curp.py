"""The broker's CURP the sample Data Stage generator writes into its 501 records is a
well-formed CURP (letters, date, sex, state, consonants, check digit), made up for the
sample: it is read back as the pedimento's ``curp_agente``."""

from __future__ import annotations

import zipfile
from pathlib import Path

from stdnum.mx import curp

from immex.datastage.generator import AGENT_CURP, generate_datastage


def test_the_sample_broker_curp_is_a_valid_curp() -> None:
    assert curp.is_valid(AGENT_CURP)
    assert curp.validate(AGENT_CURP) == AGENT_CURP  # the check digit included
    # a value made up for the sample, not the generic placeholder the project has no source
    # for (whose XXX also reads as an unfinished marker to the project's scanner)
    assert "XXX" not in AGENT_CURP and not AGENT_CURP.startswith("XEXX")


def test_the_generated_501_records_carry_it(tmp_path: Path) -> None:
    generated = generate_datastage(tmp_path, seed=5, lines=20)
    with zipfile.ZipFile(generated.path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("_501.asc"))
        rows = zf.read(name).decode("latin-1").splitlines()[1:]
    assert rows
    assert all(AGENT_CURP in row.split("|") for row in rows if row)
