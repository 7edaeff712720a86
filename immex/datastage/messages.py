"""What the readers of SAT files (Data Stage extractions, validation files "archivo M")
tell a person about a file: every problem and note a catalog message (``datastage.*``),
shown in the reader's language with the file and line of its error record."""

from __future__ import annotations

from immex.domain.messages import Msg, Template

# ---------------------------------------------------------------- a field's expected shape
EXPECTED = Template("datastage.expected", "expected {what}")
#: the shape a user is told to expect, per field kind of the layouts
KIND_HELP: dict[str, Msg] = {
    kind: Template(f"datastage.kind.{kind}", text)()
    for kind, text in {
        "k4": "4 digits",
        "k7": "7 digits",
        "k3": "3 digits",
        "u4": "up to 4 digits",
        "u7": "up to 7 digits",
        "u3": "up to 3 digits",
        "t": "text",
        "x": "text",
        "f": "an 8-digit fracción",
        "n": "a number with up to 15 integer and 6 decimal digits",
        "m": "an amount with up to 15 integer and 4 decimal digits",
        "r": "a rate with up to 6 integer and 6 decimal digits",
        "w": "whole pesos (digits only)",
        "i": "an integer code",
        "d": "a date YYYY-MM-DD",
        "dt": "a date YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
        "date_m3": "a date DDMMAAAA or AAAAMMDD",
    }.items()
}
REQUIRED_EMPTY = Template("datastage.required_empty", "required value is empty")()
BAD_DATE = Template("datastage.bad_date", "not a valid date")()
BAD_DATETIME = Template("datastage.bad_datetime", "not a valid date-time")()

# ------------------------------------------------------------------- Data Stage rows
NO_TRAILING_PIPE = Template(
    "datastage.no_trailing_pipe", "row does not end with the trailing '|' of Data Stage rows"
)
ROW_MISMATCH = Template("datastage.row_mismatch", "row does not match the layout")
FIELD_COUNT = Template(
    "datastage.field_count",
    "expected {n} fields for table {code}, found {found}",
    "expected {n} fields for table {code}, found {found}",
    count="found",
)
EXTRA_PIPE_TEXT = Template(
    "datastage.extra_pipe_text", "the extra '|' read as part of the text of {name}"
)
EXTRA_EMPTY_DROPPED = Template(
    "datastage.extra_empty_dropped", "an extra empty field next to {name} dropped"
)
REPAIRED = Template(
    "datastage.repaired",
    "{source}:{line}: row has more fields than the header: {how}; rows like it read the same way",
)
EMPTY_LINE = Template("datastage.empty_line", "empty line inside the table")
TOO_MANY_ERRORS = Template(
    "datastage.too_many_errors", "too many errors; the rest of the table skipped"
)
UNTERMINATED = Template(
    "datastage.unterminated", "last row is not terminated by CRLF (truncated file?)"
)
NO_HEADER = Template("datastage.no_header", "empty file: the header line is missing")
BAD_HEADER = Template(
    "datastage.bad_header", "header does not match table {code}: expected {header}"
)
NOT_CP1252 = Template("datastage.not_cp1252", "byte {byte} is not Windows-1252")
WRONG_ENCODING = Template(
    "datastage.wrong_encoding",
    "the table is {label} text, but SAT writes Data Stage tables in Windows-1252: import the "
    "ZIP as SAT delivered it (or save the table as Windows-1252 / ANSI)",
)

# -------------------------------------------------------------------- the ZIP's members
UNEXPECTED_MEMBER = Template(
    "datastage.unexpected_member", "{zip}: unexpected member {member} ignored"
)
MEMBER_FOLIO = Template(
    "datastage.member_folio", "{zip}: member {member} has folio {folio}, expected {expected}"
)
TABLE_ABSENT = Template(
    "datastage.table_absent", "{zip}: table {code} absent; nothing read from it"
)
DAMAGED_MEMBER = Template("datastage.damaged_member", "damaged ZIP member: {exc}")

# ------------------------------------------------------------------------- the import
YEAR_ASSUMED = Template(
    "datastage.year_assumed",
    "{source}:{line}: pedimento {pedimento} does not start with the last digit of its payment "
    "year {paid}; year {year} assumed",
)
ORPHANS = Template(
    "datastage.orphans",
    "{source}: {n} row of a pedimento absent from table 501 skipped",
    "{source}: {n} rows of pedimentos absent from table 501 skipped",
)
COMPANY_REGISTERED = Template(
    "datastage.company_registered",
    "company {rfc} ({name}) was not in the workspace: registered from the Data Stage 501 data; "
    "check it with `immex company list`",
)
NO_NAME = Template("datastage.no_name", "no name")
WORKER_FAILED = Template("datastage.worker_failed", "{problem}; nothing was written")
WORKER_NOT_STARTED = Template(
    "datastage.worker_not_started", "the second reader process was not started"
)
WORKER_STALLED = Template(
    "datastage.worker_stalled", "the second reader process made no progress for {seconds} s"
)
WORKER_EXIT = Template(
    "datastage.worker_exit", "the second reader process failed (exit code {code}){said}"
)
WORKER_UNREADABLE = Template(
    "datastage.worker_unreadable", "the answer of the second reader is unreadable: {exc}"
)
WORKER_NOT_RESULT = Template(
    "datastage.worker_not_result", "the answer of the second reader is not a result"
)

# ------------------------------------------------------------ validation files (archivo M)
M3_NAME = Template(
    "datastage.m3_name",
    "{file}: not named like a validation file mPPPPNNN.DDD (patent, consecutive, day of the year)",
)
M3_FILE_NOTE = Template("datastage.m3_file_note", "{file}: {note}")
M3_READ_AS = Template("datastage.m3_read_as", "read as {encoding}")
M3_BAD_DATE = Template(
    "datastage.m3_bad_date", "not a date DDMMAAAA or AAAAMMDD (year 1990–2099)"
)()
M3_UNKNOWN_RECORD = Template(
    "datastage.m3_unknown_record", "unknown record type (expected 500…801)"
)
M3_AFTER_TRAILER = Template("datastage.m3_after_trailer", "record after the 801 trailer")
M3_BEFORE_OPEN = Template(
    "datastage.m3_before_open", "record before any 500/501 opened a pedimento"
)
M3_FIELD_COUNT = Template(
    "datastage.m3_field_count",
    "record {rtype} has {found} field, layout v9 has {n}",
    "record {rtype} has {found} fields, layout v9 has {n}",
    count="found",
)
M3_PATENT_DIFFERS = Template(
    "datastage.m3_patent_differs", "patent/office differ from the pedimento's 500 record"
)
M3_NOT_OPENED = Template("datastage.m3_not_opened", "pedimento not opened by a 500/501 record")
M3_TRAILER_PEDIMENTOS = Template(
    "datastage.m3_trailer_pedimentos",
    "the 801 says {said} pedimento, the file has {found}",
    "the 801 says {said} pedimentos, the file has {found}",
    count="said",
)
M3_TRAILER_RECORDS = Template(
    "datastage.m3_trailer_records",
    "the 801 says {said} record, the file has {found} (without the 801)",
    "the 801 says {said} records, the file has {found} (without the 801)",
    count="said",
)
M3_TRAILER_NAME = Template(
    "datastage.m3_trailer_name", "{file}:{line}: the 801 names the file {name}"
)
M3_NO_501 = Template("datastage.m3_no_501", "pedimento {pedimento} has no 501 record")
M3_YEAR_ASSUMED = Template(
    "datastage.m3_year_assumed",
    "{file}:{line}: pedimento {pedimento} does not start with the last digit of {paid}; year "
    "{year} assumed",
)
