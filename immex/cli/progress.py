"""The progress bar of a long import or discharge run, and the time of its stages — each
named in the run's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from immex.cli.common import err_console, text
from immex.domain.messages import Msg, Template, joined

#: the parts of a discharge run's time, as `immex discharge run` names them
SECONDS_PART = {
    "load": Template("cli.ledger.seconds.load", "load {seconds}"),
    "discharge": Template("cli.ledger.seconds.discharge", "discharge {seconds}"),
    "write": Template("cli.ledger.seconds.write", "write {seconds}"),
    "total": Template("cli.ledger.seconds.total", "total {seconds}"),
}
#: the stages of a long import or discharge run, as its progress bar names them
STAGES = {
    "validated": Template("cli.ledger.stage.validated", "rows checked"),
    "load": Template("cli.ledger.stage.load", "loading the ledger"),
    "discharge": Template("cli.ledger.stage.discharge", "discharging"),
    "write": Template("cli.ledger.stage.write", "writing the journal"),
}


@contextmanager
def progress(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr, or a no-op callback (with --json)."""
    if not enabled:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int | None = None) -> None:
        if stage not in tasks:
            label = text(STAGES[stage]()) if stage in STAGES else stage
            tasks[stage] = bar.add_task(label, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    with bar:
        yield update


def run_seconds(seconds: dict[str, float]) -> Msg:
    """The time of each stage of a run, named in the run's language."""
    return joined([SECONDS_PART[k](seconds=v) if k in SECONDS_PART else f"{k} {v}"
                   for k, v in seconds.items()], ", ")  # fmt: skip
