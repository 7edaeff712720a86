"""What a correction made after the current discharge run says about the journal: the run
is stale, and which correction made it so (a batch voided, pedimentos or master data
rectified)."""

from __future__ import annotations

from immex.domain.messages import Template

STALE_NOTE = Template(
    "journal.stale_after",
    "the current discharge run {run} is stale after this correction: run `immex discharge run`",
)
STALE = Template(
    "journal.stale",
    "the current discharge run {run} is STALE: the ledger was corrected after it ({what}); "
    "these figures use the old journal until `immex discharge run` supersedes it",
)
STALE_VOID = Template("journal.stale_void", "batch {batch} {file} voided by {actor} on {day}")
STALE_RECTIFY = Template(
    "journal.stale_rectify",
    "pedimento {pedimentos} rectified by {actor} on {day}",
    "pedimentos {pedimentos} rectified by {actor} on {day}",
)
STALE_RECTIFY_MASTER = Template(
    "journal.stale_rectify_master", "{entity} {names} rectified by {actor} on {day}"
)
