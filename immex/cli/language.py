"""The CLI in the reader's language: its help and Click/Typer's own messages, by key.

Help texts stay written in English beside each command (``help=…``, docstrings: the code's
and ``docs/CLI.md``'s language); the catalog holds each one under a key derived from the
command tree — ``cli.help.import.materials`` for a command, ``cli.help.import.materials.--rectify``
for an option, ``cli.help.import.materials.FILE`` for an argument, ``cli.help.immex`` for the
root — and :mod:`immex.cli.help_catalog` declares them all, so ``python -m immex.reports.i18n``
adds the missing ones.

Typer vendors its own copy of Click, whose messages are plain English f-strings (no gettext to
hook into). So every command and group of ``immex`` is built from the classes below
(:func:`localize_classes`): a help page puts what it shows in the run's language as it is
written (:func:`translate_page`); the ``Usage:`` line, Typer's panel titles and the ``--help``
option come from the catalog; their own parse and lookup errors are raised with messages of
the catalog; and the errors Typer's parser raises (a missing option, an unknown option, a bad
value …) are rebuilt from their fields (the exception's type, option, parameter, the pydantic
error's type) — never by matching their English text. Typer's panel strings are module
settings of ``typer.rich_utils``: set for the run, restored after it.
The language of a run is known before Click parses anything (``--lang`` anywhere before
``--``, else ``IMMEX_LANG``, else Spanish), so ``immex --lang en import materials --help``
is English and ``immex import materials --help`` Spanish.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from typing import Any

import typer
from typer import rich_utils
from typer._click import exceptions as click_errors
from typer._click.core import Context as ClickContext
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

from immex.domain.errors import ImmexError
from immex.domain.messages import Template
from immex.reports.i18n import LANGS, default_lang, reset_lang, set_lang, t, tr

HELP = "cli.help"
ROOT = "immex"

# Click/Typer's own words and sentences (the ``click.`` keys of the catalog)
USAGE = Template("click.usage", "Usage:")
ARGUMENTS = Template("click.arguments", "Arguments")
OPTIONS = Template("click.options", "Options")
COMMANDS = Template("click.commands", "Commands")
ERROR = Template("click.error", "Error")
ABORTED = Template("click.aborted", "Aborted.")
TRY_HELP = Template("click.try_help", "Try {command} for help.")
DEFAULT = Template("click.default", "default")
ENV_VAR = Template("click.env_var", "env var")
REQUIRED = Template("click.required", "required")
DEPRECATED = Template("click.deprecated", "deprecated")
OPTIONS_METAVAR = Template("click.options_metavar", "[OPTIONS]")
COMMAND_METAVAR = Template("click.command_metavar", "COMMAND [ARGS]...")
HELP_OPTION = Template("click.help_option", "Show this message and exit.")
LANG_OPTION = Template(
    "cli.lang_option",
    "Language of the output and messages: es (default) or en; also immex --lang, IMMEX_LANG.",
)
MISSING_OPTION = Template("click.missing.option", "Missing option {name}.")
MISSING_ARGUMENT = Template("click.missing.argument", "Missing argument {name}.")
MISSING_PARAMETER = Template("click.missing.parameter", "Missing parameter {name}.")
CHOOSE_FROM = Template("click.choose_from", "Choose from: {choices}.")
NO_SUCH_OPTION = Template("click.no_such_option", "No such option: {name}")
POSSIBLE_OPTIONS = Template("click.possible_options", "(Possible options: {names})")
NO_SUCH_COMMAND = Template("click.no_such_command", "No such command {name}.")
DID_YOU_MEAN = Template("click.did_you_mean", "Did you mean {names}?")
MISSING_COMMAND = Template("click.missing_command", "Missing command.")
EXTRA_ARGS = Template(
    "click.extra_args",
    "Got unexpected extra argument: {args}",
    "Got unexpected extra arguments: {args}",
)
INVALID_VALUE_FOR = Template("click.invalid_value_for", "Invalid value for {name}: {message}")
INVALID_VALUE = Template("click.invalid_value", "Invalid value: {message}")
NEEDS_VALUE = Template("click.needs_value", "Option {name} requires a value.")
NEEDS_VALUES = Template("click.needs_values", "Option {name} requires {count} values.")
TAKES_NO_VALUE = Template("click.takes_no_value", "Option {name} does not take a value.")
CANNOT_OPEN = Template("click.cannot_open", "Could not open file {name}: {message}")
#: a value Typer could not convert (its pydantic error's type, with the value typed)
NOT_VALID = {
    "int_parsing": Template("click.value.int", "{value} is not a whole number."),
    "int_from_float": Template("click.value.int", "{value} is not a whole number."),
    "float_parsing": Template("click.value.number", "{value} is not a number."),
    "decimal_parsing": Template("click.value.number", "{value} is not a number."),
    "bool_parsing": Template("click.value.bool", "{value} is not yes/no (true, false, 1, 0)."),
    "enum": Template("click.value.choice", "{value} is not one of: {choices}."),
    "literal_error": Template("click.value.choice", "{value} is not one of: {choices}."),
}
NOT_VALID_OTHER = Template("click.value.other", "{value} is not a valid value.")
#: the value types a help page shows (``--as-of <text>``), by Typer's own name of the type
TYPE_WORDS = {
    "str": Template("click.type.text", "text"),
    "list[str]": Template("click.type.text", "text"),  # a repeatable option: its help says so
    "int": Template("click.type.int", "whole number"),
    "float": Template("click.type.number", "number"),
    "decimal": Template("click.type.number", "number"),
    "Decimal": Template("click.type.number", "number"),
    "path": Template("click.type.path", "path"),
    "file": Template("click.type.file", "file"),
    "directory": Template("click.type.directory", "folder"),
    "datetime": Template("click.type.date", "date"),
}


# ---------------------------------------------------------------- the run's language


def _chosen(args: Sequence[str]) -> str | None:
    """The language named by ``--lang X`` / ``--lang=X`` among the words of a command line
    (the last one; words after ``--`` are arguments), when it is one of ours."""
    found = None
    words = list(args)
    for i, word in enumerate(words):
        if word == "--":
            break
        if word == "--lang" and i + 1 < len(words):
            found = words[i + 1]
        elif word.startswith("--lang="):
            found = word.split("=", 1)[1]
    found = (found or "").strip().lower()
    return found if found in LANGS else None


def display_lang() -> str:
    """The run's language; Spanish while a bad ``IMMEX_LANG`` waits for the root's check."""
    try:
        return default_lang()
    except ImmexError:
        return "es"


def run_language(args: Sequence[str]) -> tuple[str, str | None]:
    """The language to speak before Click parses ``args``, and the ``--lang`` they name
    (``None`` when they name none): a bad ``IMMEX_LANG`` is Spanish here (the root's check
    reports it)."""
    chosen = _chosen(args)
    if chosen:
        return chosen, chosen
    return display_lang(), None


# ---------------------------------------------------------------- help texts by key


def _is_group(cmd: Any) -> bool:
    return isinstance(getattr(cmd, "commands", None), dict)


def walk(cmd: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under ``cmd`` (itself first) with its path of names."""
    yield path, cmd
    if _is_group(cmd):
        for name in sorted(cmd.commands):
            yield from walk(cmd.commands[name], (*path, name))


def command_key(path: tuple[str, ...]) -> str:
    return ".".join((HELP, *(path or (ROOT,))))


def param_key(path: tuple[str, ...], param: Any) -> str:
    """``--rectify`` for an option (its first long name), ``FILE`` for an argument."""
    if getattr(param, "param_type_name", "") == "option":
        names = list(param.opts) + list(param.secondary_opts)
        name = next((n for n in names if n.startswith("--")), names[0])
    else:
        name = (param.name or "").upper()
    return f"{command_key(path)}.{name}"


def _entries(path: tuple[str, ...], cmd: Any) -> Iterator[tuple[str, str, Any]]:
    if cmd.help:
        yield command_key(path), cmd.help, cmd
    for param in cmd.params:
        if getattr(param, "help", None) :
            yield param_key(path, param), param.help, param


def help_texts(root: Any) -> Iterator[tuple[str, str, Any]]:
    """``(key, English help, the command or parameter)`` for every help of the tree."""
    for path, cmd in walk(root):
        yield from _entries(path, cmd)


def translate_page(cmd: Any, path: tuple[str, ...], lang: str) -> None:
    """Put in ``lang`` what the help page of ``cmd`` shows: its help, its parameters' and
    its subcommands' (their one-line summaries). The code's English stays where the catalog
    lacks a key."""
    shown = [(path, cmd)]
    if _is_group(cmd):
        shown += [((*path, name), sub) for name, sub in cmd.commands.items()]
    for where, command in shown:
        for key, english, obj in list(_entries(where, command)):
            text = t(key, lang)
            obj.help = english if text == key else text


def path_of(ctx: Any) -> tuple[str, ...]:
    """The names from the root to the command of ``ctx`` (``("import", "materials")``)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return tuple(reversed(names))


def _usage_word(current: str, msg: Template) -> str:
    """A word of the usage line in the run's language, where the command keeps Click's own."""
    own = {str(tr(msg(), lang)) for lang in LANGS}
    return _say(msg()) if current in own else current


# ---------------------------------------------------------------- Typer's own words


_TYPER_WORDS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)


def _typer_words(lang: str) -> dict[str, str]:
    """Typer's rich help and error panel strings (its module settings) in ``lang``."""

    def say(msg: Template, **fields: object) -> str:
        return str(tr(msg(**fields), lang))

    return {
        "DEPRECATED_STRING": f"({say(DEPRECATED)}) ",
        "DEFAULT_STRING": f"[{say(DEFAULT)}: {{}}]",
        "ENVVAR_STRING": f"[{say(ENV_VAR)}: {{}}]",
        "REQUIRED_LONG_STRING": f"[{say(REQUIRED)}]",
        "ARGUMENTS_PANEL_TITLE": say(ARGUMENTS),
        "OPTIONS_PANEL_TITLE": say(OPTIONS),
        "COMMANDS_PANEL_TITLE": say(COMMANDS),
        "ERRORS_PANEL_TITLE": say(ERROR),
        "ABORTED_TEXT": say(ABORTED),
        "RICH_HELP": say(TRY_HELP, command="[blue]'{command_path} {help_option}'[/]"),
    }


@contextmanager
def typer_words(lang: str) -> Iterator[None]:
    """Within the block Typer's panels and fixed strings are in ``lang``; restored after."""
    before = {name: getattr(rich_utils, name) for name in _TYPER_WORDS}
    for name, value in _typer_words(lang).items():
        setattr(rich_utils, name, value)
    try:
        yield
    finally:
        for name, value in before.items():
            setattr(rich_utils, name, value)


# ---------------------------------------------------------------- Click's errors by their fields


def _say(msg: Any) -> str:
    return str(tr(msg, display_lang()))


def _hint(param: Any, given: Any = None) -> str:
    names = given if given is not None else (param.opts if param is not None else None)
    if names is None or (not isinstance(names, str) and not names):
        names = [getattr(param, "human_readable_name", None) or getattr(param, "name", "")]
    if isinstance(names, str):
        return names
    return " / ".join(f"'{n}'" for n in names)


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is not None and getattr(desc, "is_choice", False) and desc.choices is not None:
        return [str(getattr(c, "value", c)) for c in desc.choices]
    return []


def _option(where: Any, name: str) -> Any:
    """The option ``name`` of a command (or of a context's command)."""
    command = getattr(where, "command", where)
    for param in getattr(command, "params", []):
        if name in getattr(param, "opts", ()) or name in getattr(param, "secondary_opts", ()):
            return param
    return None


def _conversion(exc: click_errors.BadParameter) -> str | None:
    """What was wrong with a value Typer could not convert, from the type of the pydantic
    error it raised (``None`` when the error is not Typer's conversion: ours is in the run's
    language already)."""
    from pydantic import ValidationError

    cause = exc.__cause__
    if not isinstance(cause, ValidationError) or not cause.errors():
        return None
    first = cause.errors()[0]
    template = NOT_VALID.get(first["type"], NOT_VALID_OTHER)
    choices = ", ".join(_choices(exc.param)) or str((first.get("ctx") or {}).get("expected", ""))
    return _say(template(value=repr(first.get("input")), choices=choices))


def _localized_text(exc: click_errors.ClickException, command: Any = None) -> str | None:
    """The message of one of Click's errors in the run's language, rebuilt from its fields;
    ``None`` for an error already in it (ours, or a usage error of :class:`Localized`)."""
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return None
    if isinstance(exc, click_errors.MissingParameter):
        kind = exc.param_type or getattr(exc.param, "param_type_name", None)
        if exc.param is not None and exc.param_hint is None and kind == "argument":
            name = f"'{exc.param.name}'"
        else:
            name = _hint(exc.param, exc.param_hint)
        template = {"option": MISSING_OPTION, "argument": MISSING_ARGUMENT}.get(
            kind or "", MISSING_PARAMETER
        )
        text = _say(template(name=name))
        choices = _choices(exc.param)
        if choices:
            text += " " + _say(CHOOSE_FROM(choices=", ".join(choices)))
        if exc.message:
            text += " " + exc.message
        return text
    if isinstance(exc, click_errors.BadParameter):
        message = _conversion(exc) or exc.message
        if exc.param_hint is None and exc.param is None:
            return _say(INVALID_VALUE(message=message))
        return _say(INVALID_VALUE_FOR(name=_hint(exc.param, exc.param_hint), message=message))
    if isinstance(exc, click_errors.NoSuchOption):
        text = _say(NO_SUCH_OPTION(name=exc.option_name))
        if exc.possibilities:
            text += " " + _say(POSSIBLE_OPTIONS(names=", ".join(sorted(exc.possibilities))))
        return text
    if isinstance(exc, click_errors.BadOptionUsage):
        param = _option(exc.ctx, exc.option_name) or _option(command, exc.option_name)
        name = f"'{exc.option_name}'"
        if param is None:
            return None
        if getattr(param, "is_flag", False) or param.nargs == 0:
            return _say(TAKES_NO_VALUE(name=name))
        if param.nargs > 1:
            return _say(NEEDS_VALUES(name=name, count=param.nargs))
        return _say(NEEDS_VALUE(name=name))
    if isinstance(exc, click_errors.FileError):
        return _say(CANNOT_OPEN(name=repr(exc.ui_filename), message=exc.message))
    return None


def localized(exc: click_errors.ClickException, command: Any = None) -> click_errors.ClickException:
    """``exc`` (raised parsing ``command``) with its message in the run's language (the same
    exit code and context)."""
    text = _localized_text(exc, command)
    if text is None:
        return exc
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click_errors.UsageError):
        new: click_errors.ClickException = click_errors.UsageError(text, ctx)
    else:
        new = click_errors.ClickException(text)
    new.exit_code = exc.exit_code
    return new


@contextmanager
def speaking(command: Any) -> Iterator[None]:
    """Within the block, an error of Click's (parsing or invoking ``command``) is raised
    again with its message in the run's language."""
    try:
        yield
    except click_errors.ClickException as exc:
        new = localized(exc, command)
        if new is exc:
            raise
        raise new from None


# ---------------------------------------------------------------- the classes of the tree


class _Formatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _say(USAGE()) + " " if prefix is None else prefix)


class Context(typer.Context):
    formatter_class = _Formatter


class Localized:
    """What every command and group of ``immex`` adds to Typer's: the ``Usage:`` line, the
    ``--help`` option and the parse errors in the run's language."""

    context_class: type[ClickContext] = Context

    def format_help(self, ctx: Any, formatter: Any) -> None:
        translate_page(self, path_of(ctx), display_lang())
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        cmd: Any = self  # a TyperCommand or TyperGroup (the class this one is mixed into)
        cmd.options_metavar = _usage_word(cmd.options_metavar, OPTIONS_METAVAR)
        if _is_group(cmd):
            cmd.subcommand_metavar = _usage_word(cmd.subcommand_metavar, COMMAND_METAVAR)
        return super().collect_usage_pieces(ctx)  # type: ignore[misc,no-any-return]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _say(HELP_OPTION())
        return option

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> ClickContext:
        with speaking(self):
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[misc,no-any-return]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if ctx.allow_extra_args or ctx.resilient_parsing:
            return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]
        ctx.allow_extra_args = True  # left over words: reported here, in the catalog's words
        try:
            rest: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
        finally:
            ctx.allow_extra_args = False
        if rest:
            ctx.fail(_say(EXTRA_ARGS(args=" ".join(rest), n=len(rest))))
        return rest


def has_lang(params: Sequence[Any]) -> bool:
    return any("--lang" in getattr(p, "opts", ()) for p in params)


def lang_option(ctx: Any) -> Any:
    """``--lang es|en`` for a command that has no ``--lang`` of its own: the root's option
    (the same check, the same language until the command ends), shown in the command's help;
    ``None`` outside ``immex`` (a sub-app run on its own)."""
    root = ctx.find_root().command
    for param in getattr(root, "params", ()):
        if "--lang" in getattr(param, "opts", ()):
            option = copy.copy(param)
            option.expose_value = False
            option.metavar = "es|en"
            option.help = _say(LANG_OPTION())
            return option
    return None


def with_lang(ctx: Any, params: list[Any]) -> list[Any]:
    """``params`` with ``--lang`` before ``--help`` unless the command has its own."""
    option = None if has_lang(params) else lang_option(ctx)
    if option is None:
        return params
    at = len(params) - 1 if params and params[-1].name == "help" else len(params)
    return [*params[:at], option, *params[at:]]


class Command(Localized, TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return with_lang(ctx, super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        with speaking(self):
            return super().invoke(ctx)


class Group(Localized, TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        # a group that runs on its own (``immex expiry``) is a command too
        return with_lang(ctx, params) if self.invoke_without_command else params

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and self.get_command(ctx, name) is None
            and not ctx.resilient_parsing
        ):
            text = _say(NO_SUCH_COMMAND(name=repr(name)))
            close = get_close_matches(name, list(self.commands))
            if close:
                text += " " + _say(DID_YOU_MEAN(names=", ".join(repr(c) for c in close)))
            ctx.fail(text)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        if not ctx._protected_args and not self.invoke_without_command:
            ctx.fail(_say(MISSING_COMMAND()))
        with speaking(self):
            return super().invoke(ctx)


class RootGroup(Group):
    """``immex`` itself: it knows the run's language before Click parses a word (``--help``
    of a subcommand is answered before the root's callback reads ``--lang``)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        lang, chosen = run_language(words)
        token = set_lang(chosen) if chosen else None
        try:
            with typer_words(lang):
                return super().main(
                    args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
                )
        finally:
            if token is not None:
                reset_lang(token)


def _value_type(original: Any) -> Any:
    """A parameter's value type on its help page in the run's language (``<texto>``); a flag
    shows none (Typer shows ``<bool>`` for ``--json``, which takes no value)."""

    def display(param: Any, ctx: Any) -> str | None:
        if getattr(param, "is_flag", False):
            return None
        shown = original(param, ctx)
        if not isinstance(shown, str):
            return None
        if not (shown.startswith("<") and ">" in shown):
            return shown
        name, rest = shown[1:].split(">", 1)
        word = TYPE_WORDS.get(name)
        return shown if word is None else f"<{_say(word())}>{rest}"

    display.__immex__ = True  # type: ignore[attr-defined]
    return display


def localize_types() -> None:
    """Typer's options and arguments name their value type in the run's language (once per
    process: Typer asks each parameter as it draws a help page)."""
    for cls in (TyperOption, TyperArgument):
        current = cls.display_type_rich
        if not getattr(current, "__immex__", False):
            cls.display_type_rich = _value_type(current)  # type: ignore[method-assign]


def localize_classes(app: typer.Typer) -> None:
    """Build every command and group of ``app`` (and its sub-apps) from the classes above,
    unless one names its own class."""
    localize_types()
    if isinstance(app.info.cls, DefaultPlaceholder) or app.info.cls in (None, TyperGroup):
        app.info.cls = Group
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):  # Typer's decorator names its default class
            info.cls = Command
    for group in app.registered_groups:
        if group.typer_instance is not None:
            localize_classes(group.typer_instance)
