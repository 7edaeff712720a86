"""What every ``immex rates load …`` shares: the result, the "already loaded" check, the
load batch (file, SHA-256, who, when) with its audit entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from immex.domain.errors import NotFound
from immex.domain.messages import Msg, Template
from immex.services.workspace.context import UnitOfWork, Workspace
from immex.store.database import StoreError
from immex.store.unit import Repositories

ALREADY_LOADED = Template(
    "rates.already_loaded",
    "{file} was already loaded (batch {batch}, {when} by {who}); nothing written",
)
NO_SUCH_FILE = Template("rates.no_such_file", "{path}: no such file")
NO_RATE_TABLES = Template(
    "rates.no_rate_tables",
    "the workspace {display_url} has no rate tables yet; run `immex init` (it upgrades the "
    "workspace) and try again",
)


@dataclass(frozen=True, slots=True)
class LoadResult:
    kind: str
    file: str
    sha256: str
    batch_id: int | None
    rows_read: int
    rows_inserted: int
    rows_already_present: int
    already_loaded: bool
    message: str
    warnings: tuple[str, ...] = ()
    #: a dry run: every check done, what would be written counted, nothing kept
    dry_run: bool = False


#: what a load says it did (or, for a dry run, would do), by what the file holds
LOADED = {
    what: (
        Template(
            f"rates.loaded.{what}",
            f"{{file}}: {{new}} {one} loaded",
            f"{{file}}: {{new}} {many} loaded",
            count="new",
        ),
        Template(
            f"rates.loaded_dry.{what}",
            f"{{file}}: {{new}} {one} would be loaded (dry run: nothing written)",
            f"{{file}}: {{new}} {many} would be loaded (dry run: nothing written)",
            count="new",
        ),
    )
    for what, one, many in (
        ("rows", "row", "rows"),
        ("values", "parameter value", "parameter values"),
        ("points", "point", "points"),
    )
}
ALREADY_PRESENT = Template(
    "rates.already_present",
    "{message}, {present} already present",
    "{message}, {present} already present",
    count="present",
)


def loaded_message(what: str, file: str, new: int, present: int, dry_run: bool) -> Msg:
    """``file: N rows loaded`` (``would be loaded`` for a dry run), and how many of the
    file's were there already."""
    message = LOADED[what][dry_run](file=file, new=new)
    return ALREADY_PRESENT(message=message, present=present) if present else message


def file_digest(path: Path) -> str:
    """The SHA-256 of a file to load; NotFound naming it when there is none."""
    if not path.is_file():
        raise NotFound(NO_SUCH_FILE(path=path), field="file")
    return hashlib.sha256(path.read_bytes()).hexdigest()


def require_rates_tables(ws: Workspace, repos: Repositories) -> None:
    """A clear error when the workspace predates the rates tables (migration 0002_rates)."""
    if not repos.rates.has_tables():
        raise StoreError(NO_RATE_TABLES(display_url=ws.store.display_url))


def already_loaded(repos: Repositories, kind: str, path: Path, digest: str) -> LoadResult | None:
    """The result to give when this exact file (kind + SHA-256) was loaded before."""
    prior = repos.rates.batch_of(kind, digest)
    if prior is None:
        return None
    return LoadResult(
        kind, path.name, digest, prior.id, prior.rows, 0, prior.rows, True,
        ALREADY_LOADED(file=path.name, batch=prior.id, when=f"{prior.loaded_at:%Y-%m-%d %H:%M}",
                       who=prior.loaded_by),
    )  # fmt: skip


def record_batch(
    uow: UnitOfWork, kind: str, path: Path, digest: str, rows_read: int, rows_new: int
) -> int:
    """The batch of a file being loaded (by the workspace's actor, now) and its audit entry."""
    ws = uow.workspace
    batch_id = uow.repos.rates.add_batch(
        kind=kind, file_name=path.name, sha256=digest, rows=rows_read, loaded_by=ws.actor,
        loaded_at=ws.now(),
    )  # fmt: skip
    uow.audit(
        f"rates.load.{kind}",
        {"file": path.name, "sha256": digest, "batch": batch_id, "rows": rows_new},
    )
    return batch_id
