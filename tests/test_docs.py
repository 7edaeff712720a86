"""Docs that cannot drift: the CLI reference and the README's commands are checked here."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from immex.cli.docgen import command_exists, render

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("immex "):
                commands.append(shlex.split(line)[1:])
    return commands


def test_cli_reference_is_current() -> None:
    committed = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m immex.cli.docgen > docs/CLI.md"


def test_reference_walks_the_whole_command_tree() -> None:
    # Guards the generator itself: a click/typer mismatch once made it see only the root.
    text = render()
    for heading in ("immex tariff show", "immex duty f4", "immex import datastage", "immex demo"):
        assert f"## `{heading}`" in text
    assert command_exists(["tariff", "show", "8542.31.03"])
    assert not command_exists(["tariff", "nonexistent"])
    assert not command_exists(["tariff"])  # a group alone is not a command


def test_every_readme_command_exists() -> None:
    commands = _readme_commands()
    assert len(commands) >= 20
    missing = [" ".join(c) for c in commands if not command_exists(c)]
    assert not missing, f"README shows commands the CLI does not have: {missing}"


def test_readme_setup_commands_match_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    lines = [ln.strip() for ln in ci.splitlines()]
    ci_cmds = [ln for ln in lines if ln and not ln.startswith("#")]
    assert "make test" in ci_cmds
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:", makefile, flags=re.M) and re.search(r"^demo:", makefile, flags=re.M)


def test_readme_shows_what_the_demo_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's sample output is the demo's real output (seeded), not a paraphrase."""
    from typer.testing import CliRunner

    from immex.cli.main import app

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(DATOS ILUSTRATIVOS.*?)```", text, flags=re.S)
    assert block, "README lost the demo's sample output"
    shown = [ln for ln in block.group(1).splitlines() if not ln.startswith("Terminado en")]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IMMEX_LANG")  # the default language: Spanish
    res = CliRunner().invoke(app, ["demo"])
    assert res.exit_code == 0, res.output
    printed = [ln.rstrip() for ln in res.stdout.splitlines()]
    printed = [ln for ln in printed if ln and "━" not in ln and not ln.startswith("Terminado en")]
    assert printed == shown
    assert (tmp_path / "immex-demo" / "reports").is_dir()
