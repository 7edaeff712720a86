"""The CLI's help and Click/Typer's own messages speak the run's language: Spanish by default,
English with ``--lang en`` or ``IMMEX_LANG=en`` — wherever ``--lang`` stands, even after the
subcommand whose ``--help`` Click answers before the root's callback runs. Every help text of
the command tree has its Spanish and English text in the catalog."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer import rich_utils
from typer.testing import CliRunner

from immex.cli import language
from immex.cli.main import app
from immex.reports import i18n
from tests.test_catalog_messages import english_sentences

runner = CliRunner()


@pytest.fixture
def spanish_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMMEX_LANG", raising=False)  # conftest's English: back to the default


def _out(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output)
    return result.output


def _flat(text: str) -> str:
    """The words of a rich panel without its borders and line breaks."""
    for ch in "│╭╮╰╯─":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def _prose(text: str) -> list[str]:
    """The lines of a text without option names, value types, column names and metavars
    (``--paid-on <str>``, ``valid_from``, ``FROM_MONTH``): what a translator writes."""
    names = r"--[\w-]+|<\w+>|\b\w+_\w+\b|\b[A-Z][A-Z_]+\b"
    return [re.sub(names, "", line) for line in text.splitlines()]


def _help(path: tuple[str, ...], lang: str) -> str:
    return " ".join(i18n.t(language.command_key(path), lang).split())


HELP_PAGES = [
    (),
    ("import",),
    ("import", "materials"),
    ("tariff", "show"),
    ("f4", "plan"),
    ("duty", "f4"),
    ("company", "add"),
]


@pytest.mark.usefixtures("spanish_default")
@pytest.mark.parametrize("path", HELP_PAGES)
def test_help_is_spanish_by_default(path: tuple[str, ...]) -> None:
    out = _out(*path, "--help")
    flat = _flat(out)
    assert "Uso:" in out and "Opciones" in out and "Usage:" not in out
    assert "Muestra este mensaje y termina." in flat
    assert _help(path, "es") in flat
    assert _help(path, "es") != _help(path, "en")
    assert english_sentences(_prose(out)) == []


@pytest.mark.usefixtures("spanish_default")
@pytest.mark.parametrize("path", HELP_PAGES)
def test_help_is_english_with_lang_en(path: tuple[str, ...]) -> None:
    out = _out("--lang", "en", *path, "--help")
    flat = _flat(out)
    assert "Usage:" in out and "Options" in out and "Uso:" not in out
    assert "Show this message and exit." in flat
    assert _help(path, "en") in flat


@pytest.mark.usefixtures("spanish_default")
def test_the_panels_and_a_subcommands_options() -> None:
    es = _flat(_out("import", "materials", "--help"))
    assert "Argumentos" in es and "[obligatorio]" in es
    assert "Motivo (se conserva en el historial del control de inventarios)." in es
    en = _flat(_out("--lang", "en", "import", "materials", "--help"))
    assert "Arguments" in en and "[required]" in en
    assert "Why (kept in the ledger's history)." in en
    groups = _flat(_out("tariff", "--help"))
    assert "Comandos" in groups and "[OPCIONES] COMANDO [ARGS]..." in groups
    assert "Commands" in _flat(_out("--lang=en", "tariff", "--help"))


def test_immex_lang_and_a_commands_own_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMMEX_LANG", "en")
    assert "Usage:" in _out("import", "materials", "--help")
    assert "Uso:" in _out("--lang", "es", "import", "materials", "--help")  # --lang wins
    # a command's own --lang (``immex rules --lang``) names the language of its help too
    assert "Uso:" in _out("rules", "--lang", "es", "--help")
    monkeypatch.setenv("IMMEX_LANG", "es")
    assert "Usage:" in _out("rules", "--lang", "en", "--help")


@pytest.mark.usefixtures("spanish_default")
def test_one_run_does_not_choose_the_language_of_the_next() -> None:
    before = {name: getattr(rich_utils, name) for name in ("OPTIONS_PANEL_TITLE", "RICH_HELP")}
    assert "Usage:" in _out("--lang", "en", "tariff", "show", "--help")
    assert "Uso:" in _out("tariff", "show", "--help")
    assert {name: getattr(rich_utils, name) for name in before} == before
    assert i18n.default_lang() == "es"


#: (command line, what the Spanish error says, what the English one says)
USAGE_ERRORS = [
    (["import", "materials"], "Falta el argumento 'file'.", "Missing argument 'file'."),
    (["f4", "plan"], "Falta la opción '--period'.", "Missing option '--period'."),
    (
        ["import", "materials", "a.csv", "b.csv"],
        "Sobra un argumento: b.csv",
        "Got unexpected extra argument: b.csv",
    ),
    (
        ["import", "materail"],
        "No existe el comando 'materail'. ¿Quiso decir 'materials'?",
        "No such command 'materail'. Did you mean 'materials'?",
    ),
    (
        ["tariff", "show", "8542.31.03", "--bogus"],
        "No existe la opción: --bogus",
        "No such option: --bogus",
    ),
    (
        ["tariff", "search", "circuitos", "--limit", "abc"],
        "Valor no válido para '--limit': 'abc' no es un número entero.",
        "Invalid value for '--limit': 'abc' is not a whole number.",
    ),
    (
        ["f4", "plan", "--period"],
        "La opción '--period' requiere un valor.",
        "Option '--period' requires a value.",
    ),
    (["--lang", "es"], "Falta el comando.", "Missing command."),
]


@pytest.mark.usefixtures("spanish_default")
@pytest.mark.parametrize(("args", "spanish", "english"), USAGE_ERRORS)
def test_usage_errors_in_the_runs_language(args: list[str], spanish: str, english: str) -> None:
    es = _flat(_out(*args, code=2))
    assert spanish in es and "Error" in es
    assert english_sentences([spanish]) == []
    en_args = ["--lang", "en", *args[2:]] if args[:1] == ["--lang"] else ["--lang", "en", *args]
    en = _flat(_out(*en_args, code=2))
    assert english in en


@pytest.mark.usefixtures("spanish_default")
def test_usage_line_and_help_hint_of_an_error() -> None:
    es = _out("import", "nope", code=2)
    assert "Uso: " in es and "para ver la ayuda" in es and "Usage" not in es
    en = _out("--lang", "en", "import", "nope", code=2)
    assert "Usage: " in en and "for help." in en


def test_a_bad_language_is_still_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "--lang" in _flat(_out("--lang", "fr", "rules", code=2))
    monkeypatch.setenv("IMMEX_LANG", "fr")
    assert "IMMEX_LANG" in _flat(_out("rules", code=2))


# ---------------------------------------------------------------- every help of the tree


def _tree() -> list[tuple[tuple[str, ...], Any]]:
    """The command tree as Click has it, walked here on its own (not with the code under test):
    every command, with its path of names."""
    out = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        out.append((path, cmd))
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return out


def test_every_command_argument_and_option_has_its_help_in_both_languages() -> None:
    tree = _tree()
    assert len(tree) > 80  # the whole tree, not just the root
    missing, no_help, untranslated = [], [], []
    n_keys = 0
    for path, cmd in tree:
        where = " ".join(("immex", *path))
        entries = [(language.command_key(path), cmd.help, where)]
        for param in cmd.params:
            entries.append((language.param_key(path, param), param.help, f"{where} {param.name}"))
        for key, code_help, what in entries:
            n_keys += 1
            if not code_help:
                no_help.append(what)
                continue
            for lang in i18n.LANGS:
                if not i18n.catalog(lang).get(key):
                    missing.append(f"{key} ({lang})")
            if i18n.catalog("en").get(key) not in (None, code_help):
                untranslated.append(f"{key}: the code's English changed; update es and en")
    assert n_keys > 350
    assert not no_help, f"commands and parameters without help: {no_help}"
    assert not missing, f"run python -m immex.reports.i18n and translate: {missing}"
    assert not untranslated, untranslated
    tree_keys = {key for key, _, _ in language.help_texts(typer.main.get_command(app))}
    for lang in i18n.LANGS:
        stale = sorted(
            k for k in i18n.catalog(lang) if k.startswith("cli.help.") and k not in tree_keys
        )
        assert not stale, f"help keys of commands or options that are gone ({lang}): {stale}"
    for key in ("click.help_option", "click.usage", "click.options", "click.missing.option"):
        assert i18n.catalog("es")[key] != i18n.catalog("en")[key]


def test_the_spanish_help_texts_read_as_spanish() -> None:
    texts = [
        text for key, text in i18n.catalog("es").items() if key.startswith(("cli.help.", "click."))
    ]
    assert len(texts) > 400
    assert english_sentences([line for text in texts for line in _prose(text)]) == []


def test_the_key_of_a_help_comes_from_the_tree() -> None:
    root = typer.main.get_command(app)
    materials = root.commands["import"].commands["materials"]
    rectify = next(p for p in materials.params if p.name == "rectify")
    file_arg = next(p for p in materials.params if p.name == "file")
    assert language.command_key(("import", "materials")) == "cli.help.import.materials"
    assert (
        language.param_key(("import", "materials"), rectify)
        == "cli.help.import.materials.--rectify"
    )
    assert language.param_key(("import", "materials"), file_arg) == "cli.help.import.materials.FILE"
    assert language.command_key(()) == "cli.help.immex"
    assert i18n.t("cli.help.import.materials.--rectify", "es").startswith(
        "Registra nuevas versiones"
    )


def test_the_catalog_tool_knows_every_help_key() -> None:
    """``python -m immex.reports.i18n`` declares every module's messages, the help texts of
    the tree among them: a new command's help is added to both catalogs for translation."""
    from immex.domain.messages import TEMPLATES

    i18n.declare_all()
    root = typer.main.get_command(app)
    keys = {key for key, _, _ in language.help_texts(root)}
    assert keys and keys <= set(TEMPLATES)
    assert TEMPLATES["cli.help.import.materials.--rectify"].startswith("Record new versions")


# ---------------------------------------------------------------- --lang on every command


def _leaves() -> list[tuple[tuple[str, ...], Any]]:
    return [(path, cmd) for path, cmd in _tree() if not getattr(cmd, "commands", None)]


@pytest.mark.usefixtures("spanish_default")
def test_every_command_takes_lang_and_says_so_in_its_help() -> None:
    leaves = _leaves()
    assert len(leaves) > 60
    for path, _cmd in leaves:
        es = _flat(_out(*path, "--help"))
        en = _flat(_out(*path, "--lang", "en", "--help"))
        assert "--lang" in es and "--lang" in en, path
        assert "Uso:" in es and "Usage:" in en, path


@pytest.mark.usefixtures("spanish_default")
def test_a_commands_lang_speaks_after_the_command(tmp_path: Any) -> None:
    """``--lang`` after the command's own words, as a user types it, chooses the language of
    the output; a bad one is an error naming --lang; the option's help is in that language."""
    en = _out("tariff", "show", "8471.80", "--as-of", "2026-02-27", "--lang", "en")
    es = _out("tariff", "show", "8471.80", "--as-of", "2026-02-27")
    assert "subheading 8471.80" in en and "subpartida 8471.80" in es
    assert "--lang" in _flat(_out("tariff", "show", "8471.80", "--lang", "fr", code=2))
    assert "Idioma de la salida" in _flat(_out("tariff", "show", "--help"))
    assert "Language of the output" in _flat(_out("tariff", "show", "--help", "--lang=en"))


@pytest.mark.usefixtures("spanish_default")
def test_value_types_in_the_runs_language_and_flags_show_none() -> None:
    es = _flat(_out("import", "materials", "--help"))
    en = _flat(_out("--lang", "en", "import", "materials", "--help"))
    assert "<ruta>" in es and "<texto>" in es and "<path>" in en and "<text>" in en
    for page in (es, en):
        assert "<bool>" not in page and "<str>" not in page
    assert "--lang es|en" in es


@pytest.mark.usefixtures("spanish_default")
def test_a_group_that_runs_on_its_own_takes_lang_too() -> None:
    """``immex expiry`` runs alone and has subcommands (``expiry plan``): --lang after its
    words chooses the language like any command's."""
    assert "Usage:" in _out("expiry", "--help", "--lang", "en")
    assert "--lang" in _flat(_out("expiry", "--help"))
