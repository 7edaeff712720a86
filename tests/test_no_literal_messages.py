"""No English sentence written straight into what a user reads (issue 16).

Notes, warnings, caveats, reasons, trace steps, error records and exceptions of the services
and the domain name a message of the catalog (``Template("area.key", "English {field}")``),
so that the CLI, the web pages and the reports show it in the reader's language. This test
reads (``ast``) the swept modules and fails when a string literal or f-string holding a
sentence (three or more words of letters) goes straight to one of those places:

- ``.append`` / ``.extend`` / ``.insert`` of a list named like notes, warnings, caveats,
  reasons, steps, extra, out or errors, and ``+=`` to such a name;
- an assignment to such a name (``notes = ["…"]``, ``reason = "…"``);
- a keyword argument or dict key so named (``notes=("…",)``, ``{"problem": "…"}``);
- the message of ``raise SomeError("…")``, of a row checker's ``.err(line, column, "…")``
  and of ``ErrorRecord(…)``;
- a list of texts returned in a tuple (``return value, ["…"]``), and what a function named
  like a note or a problem returns (``def origin_problem(…): return "…"``);
- the message of a checker's ``.error(line, column, "…")``.

The few legitimate strings (programming errors no user sees, audit-log values) are in
:data:`ALLOWED`, each with the reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: the areas swept for issue 16; reconciliation (domain/reconcile*, services/sat) and the
#: file importers (immex/files, immex/refdata) are guarded by their own owners
SWEPT_DIRS = (
    "immex/services/duties",
    "immex/services/decide",
    "immex/services/discharge",
    "immex/services/ledger",
    "immex/services/month_end",
    "immex/services/reports",
    "immex/services/accounts",
    "immex/services/jobs",
    "immex/services/workspace",
    "immex/services/tariff",
    "immex/services/rates",
    "immex/domain",
)
EXCLUDED = ("immex/domain/reconcile",)


def swept_modules() -> list[Path]:
    files = {p for d in SWEPT_DIRS for p in (ROOT / d).rglob("*.py")}
    files |= set((ROOT / "immex/services").glob("*.py"))
    return sorted(
        p for p in files if not any(p.relative_to(ROOT).as_posix().startswith(e) for e in EXCLUDED)
    )


#: (module, the literal's start): strings that reach no reader, or are not sentences of ours
ALLOWED: dict[tuple[str, str], str] = {
    # a programming error (two Templates with one key), raised at import time, never shown
    ("immex/domain/messages.py", "message key "): "developer error",
    # D() refusing a float or an unknown type: a bug in the caller, not a user's input
    ("immex/domain/money.py", "refusing to build money"): "developer error",
    ("immex/domain/money.py", "cannot build a Decimal"): "developer error",
    # a RateBook built without its LIGIE look-up: a wiring bug of the caller
    ("immex/domain/rates.py", "no LIGIE lookup given"): "developer error",
    # the reason written into the audit log (a stable value an auditor filters on); the
    # person who signs in reads signin.wrong / signin.disabled
    ("immex/services/accounts/signin.py", "disabled or expired"): "audit-log value",
    ("immex/services/accounts/signin.py", "wrong email or password"): "audit-log value",
}

#: a word of two letters or more (Spanish too; "domestic-sale", "row's"); a field {} is none
_WORD = r"[^\W\d_]{2,}(?:[-'’][^\W\d_]+)*"
#: what may stand between two words of a sentence: a space, after a comma or a bracket
_GAP = r"[,:;.)]?\s+\(?"
#: a sentence: three words in a row
SENTENCE = re.compile(_WORD + _GAP + _WORD + _GAP + _WORD)
#: names of the lists, variables, keywords and keys whose texts a user reads
READ_NAME = re.compile(
    r"(note|warn|caveat|reason|step|extra|problem|action|explan|hint|message|error)s?$"
    r"|^(out|notes|warnings|reasons)$",
    re.IGNORECASE,
)
ADDERS = {"append", "extend", "insert", "add"}


def _text(node: ast.AST) -> str | None:
    """The constant text of a string literal, f-string or concatenation (fields as {})."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left, right = _text(node.left), _text(node.right)
        if left is not None or right is not None:
            return (left or "{}") + (right or "{}")
    return None


def _literals(node: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Every literal text ``node`` is or holds (list/tuple items, both arms of ``a if c else
    b``, the parts of ``"; ".join([...])``)."""
    text = _text(node)
    if text is not None:
        yield node, text
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for elt in node.elts:
            yield from _literals(elt)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
    ):
        for arg in node.args:
            yield from _literals(arg)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _name(node.value)
    return ""


def _sinks(tree: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """(where, expression) for every place whose text a user reads."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            if (
                isinstance(fn, ast.Attribute)
                and fn.attr in ADDERS
                and READ_NAME.search(_name(fn.value))
            ):
                for arg in node.args:
                    yield f"{_name(fn.value)}.{fn.attr}()", arg
            if isinstance(fn, ast.Attribute) and fn.attr in ("err", "error"):
                for arg in node.args[2:3]:  # err(line, column, message, value)
                    yield f"row check .{fn.attr}()", arg
            if _name(fn) == "ErrorRecord":
                for arg in node.args[3:4]:  # ErrorRecord(source, line, field, message, …)
                    yield "ErrorRecord()", arg
            for kw in node.keywords:
                if kw.arg and READ_NAME.search(kw.arg):
                    yield f"{kw.arg}=", kw.value
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for arg in node.exc.args[:1]:
                yield f"raise {_name(node.exc.func)}()", arg
            for kw in node.exc.keywords:
                if kw.arg == "message":
                    yield f"raise {_name(node.exc.func)}()", kw.value
        elif isinstance(node, ast.Assign):
            if any(READ_NAME.search(_name(t)) for t in node.targets):
                yield "assignment", node.value
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            if node.value is not None and READ_NAME.search(_name(node.target)):
                yield "assignment", node.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and READ_NAME.search(key.value)
                ):
                    yield f"{{{key.value!r}: …}}", value
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            for elt in node.value.elts:
                if isinstance(elt, (ast.List, ast.Tuple)):
                    yield "returned notes", elt
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and READ_NAME.search(
            node.name
        ):  # def origin_problem(…) / def after_fx_note(…): what it returns is read
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    yield f"returned by {node.name}()", ret.value


def literal_messages(source: str, module: str) -> list[str]:
    """``module:line: where: 'text'`` for every sentence written straight to a reader."""
    found = []
    for where, expr in _sinks(ast.parse(source)):
        for node, text in _literals(expr):
            if not SENTENCE.search(text):
                continue
            if any(m == module and text.startswith(start) for m, start in ALLOWED):
                continue
            found.append(f"{module}:{getattr(node, 'lineno', '?')}: {where}: {text[:80]!r}")
    return sorted(set(found))


def test_the_swept_modules_name_catalog_messages() -> None:
    modules = swept_modules()
    assert len(modules) > 100  # the sweep reads the areas, not an empty list
    found = [
        f
        for path in modules
        for f in literal_messages(
            path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        )
    ]
    assert found == [], (
        "English sentences straight into notes/warnings/errors (declare a Template in the "
        "module's area and translate it in immex/reports/locale):\n" + "\n".join(found)
    )


def test_every_allowed_string_is_still_there() -> None:
    """The allow-list does not outlive the strings it lets through."""
    texts: dict[str, str] = {}
    for module, _start in ALLOWED:
        texts.setdefault(module, (ROOT / module).read_text(encoding="utf-8"))
    stale = [(m, s) for m, s in ALLOWED if s not in texts[m]]
    assert stale == []


#: the patterns issue 16 found (as they were written before the sweep): each must be caught
OLD_PATTERNS = """
def report(ws, label, plan, skipped, run, company, exc):
    extra = []
    if not has_run(ws):
        extra.append("no discharge run yet: run `immex discharge run` first")
    else:
        extra.append(f"no exports to USA/CAN discharged in {label}")
        extra.append(f"no domestic-sale allocations (key F4) in {plan.period}")
    notes = [] if run is not None else ["no discharge run yet: every lot is shown whole"]
    warnings = (
        journal_caveats(ws)
        if has_run(ws)
        else ["no discharge run yet: run `immex discharge run` first"]
    )
    out.append(
        f"the current discharge run {run.id} covers shipments through "
        f"{run.through.isoformat()} only: later shipments are not in these figures"
    )
    reasons.append(f"rate {row.rate.text!r} is not ad valorem")
    c.err(line, "month", "not a month (expected YYYY-MM)", row["month"])
    note += f" — the series ends {gap} months earlier: load a newer INPC series"
    problem = {"problem": "no BOM version in force on the shipment date"}
    if company is None:
        raise InvalidInput("no discharge run yet: run `immex discharge run` first", field="period")
    raise NotFound(f"no discharge run {run.id} in {company.rfc}", field="run_id")
    return plan, ["the general rate is specific or mixed; a person must compute it"]


def origin_problem(iso3):
    return "ZZZ is not an origin for an Annex 24 lot: name the country of origin"


def check(acc, line):
    acc.error(line, "evidence", "a destruction needs its evidence: the acta number", "")
"""


def test_the_guard_catches_the_patterns_it_was_written_for() -> None:
    found = "\n".join(literal_messages(OLD_PATTERNS, "fixture.py"))
    caught = [
        "5: extra.append(): 'no discharge run yet: run",
        "7: extra.append(): 'no exports to USA/CAN discharged in {}'",
        "8: extra.append(): 'no domestic-sale allocations (key F4) in {}'",
        "9: assignment: 'no discharge run yet: every lot is shown whole'",
        "13: assignment: 'no discharge run yet: run",
        "16: out.append(): 'the current discharge run {} covers shipments",
        "19: reasons.append(): 'rate {} is not ad valorem'",
        "20: row check .err(): 'not a month",
        "21: assignment: ' — the series ends {} months earlier",
        "22: {'problem': …}: 'no BOM version in force",
        "24: raise InvalidInput(): 'no discharge run yet",
        "25: raise NotFound(): 'no discharge run {} in {}'",
        "26: returned notes: 'the general rate is specific or mixed",
        "30: returned by origin_problem(): 'ZZZ is not an origin",
        "34: row check .error(): 'a destruction needs its evidence",
    ]
    missed = [c for c in caught if f"fixture.py:{c}" not in found]
    assert missed == [], found


@pytest.mark.parametrize(
    "snippet",
    [
        "notes.append(NO_RUN_YET())",  # a catalog message
        'raise InvalidInput(NO_EXPORTS(period=label), field="period")',
        'out.append(f"{r.document}/{r.line}")',  # no words: codes and numbers
        'warnings.append("LA 109; LFD 49")',  # a legal citation, no sentence
        'rows.append("not a note list at all")',  # a list nobody reads as notes
    ],
)
def test_the_guard_lets_catalog_messages_and_codes_through(snippet: str) -> None:
    assert literal_messages(snippet, "fixture.py") == []
