"""Which encoding a text file is in: UTF-8 (with or without BOM), UTF-16/32 with BOM (Excel's
"Texto Unicode" is UTF-16 LE), UTF-16 without BOM, or a single-byte Windows code page.

The UTF-8 check reads the whole file (in chunks, at C speed), so a file whose first accent
is on line 50,000 is still told apart; a file that is not UTF-8 is handed to
charset-normalizer, restricted to the code pages Mexican exports use (Windows-1252, its
subset Latin-1, and DOS 850). Anything else — random bytes, an image, a file that mixes
two encodings — is one :class:`UnreadableFile` naming the line and the byte.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from immex.domain.messages import Template
from immex.files.errors import UnreadableFile

READ_AS = Template("file.read_as", "read as {label} (not UTF-8); to avoid doubt, {resave}")


BINARY_CHARS = Template(
    "file.binary_chars",
    "not a text table: it holds binary data ({n} control characters in the first {n2} "
    "characters read as {label}); is it the right file? Export the table as CSV or XLSX",
)
EMPTY_FILE = Template("file.empty", "empty file (0 bytes): nothing to read; is it the right file?")
BINARY_BYTES = Template(
    "file.binary_bytes",
    "not a text table: it holds binary data ({controls} control bytes in the first {n}); is it "
    "the right file? Export the table as CSV or XLSX",
)
MIXED_ENCODINGS = Template(
    "file.mixed_encodings",
    "the file mixes encodings: earlier lines are UTF-8 but this one is not; {resave}",
)
NOT_TEXT = Template(
    "file.not_text",
    "not readable text: the bytes are neither UTF-8, UTF-16 nor a Windows code page (binary "
    "data?); {resave}",
)
BAD_BYTE = Template(
    "file.bad_byte",
    "byte {value} cannot be read as {label} (damaged or truncated file?); {resave}",
)
CANNOT_DECODE = Template("file.cannot_decode", "cannot be read as {label}; {resave}")


#: bytes read at once while scanning
CHUNK = 1 << 20
#: bytes of non-ASCII lines handed to the detector
DETECTOR_SAMPLE = 1 << 16
#: share of control characters above which a "text" is binary data
MAX_CONTROL_SHARE = 0.01
#: single-byte code pages considered, in order of preference
CODE_PAGES = ("cp1252", "cp850", "latin_1")
RESAVE = Template(
    "file.resave", "save it again as CSV UTF-8 (Excel: File › Save as › “CSV UTF-8”)"
)()


@dataclass(frozen=True, slots=True)
class Encoding:
    """The codec to read a file with, how it is named to a person, and a note when the
    file is not plain UTF-8 (the person should know how the bytes were read)."""

    codec: str
    label: str
    note: str | None = None


UTF8 = Encoding("utf-8", "UTF-8")
_BOMS: tuple[tuple[bytes, Encoding], ...] = (
    (codecs.BOM_UTF32_LE, Encoding("utf-32", "UTF-32 LE", "read as UTF-32 (BOM)")),
    (codecs.BOM_UTF32_BE, Encoding("utf-32", "UTF-32 BE", "read as UTF-32 (BOM)")),
    (codecs.BOM_UTF8, Encoding("utf-8-sig", "UTF-8 with BOM")),
    (
        codecs.BOM_UTF16_LE,
        Encoding("utf-16", "UTF-16 LE", "read as UTF-16 (Excel “Texto Unicode”)"),
    ),
    (codecs.BOM_UTF16_BE, Encoding("utf-16", "UTF-16 BE", "read as UTF-16 BE (BOM)")),
)
_LABELS = {
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1 (ISO-8859-1)",
    "cp850": "DOS Latin (code page 850)",
}
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: the DOS end-of-file mark
_SPANISH_LETTERS = frozenset("áéíóúüñÁÉÍÓÚÜÑ")
_USUAL_SYMBOLS = frozenset("€“”‘’–—…•°ºª´¨«»·×÷©®±§¶\xa0")
_CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in _ALLOWED_CONTROLS) + b"\x7f"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16_without_bom(head: bytes) -> Encoding | None:
    """UTF-16 without BOM shows as a NUL in every other byte of ASCII-heavy text."""
    probe = head[:4096]
    half = len(probe) // 2
    if half < 2:
        return None
    even = probe[0::2].count(0) / half
    odd = probe[1::2].count(0) / half
    if odd > 0.4 and even < 0.05:
        return Encoding("utf-16-le", "UTF-16 LE", "read as UTF-16 LE (no BOM)")
    if even > 0.4 and odd < 0.05:
        return Encoding("utf-16-be", "UTF-16 BE", "read as UTF-16 BE (no BOM)")
    return None


def _check_text(text: str, source: str, enc: Encoding) -> None:
    """Refuse binary data that happened to decode: too many control characters."""
    if not text:
        return
    controls = [
        i
        for i, ch in enumerate(text)
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    ]
    if controls and len(controls) > max(2, MAX_CONTROL_SHARE * len(text)):
        first = controls[0]
        raise UnreadableFile(
            source,
            BINARY_CHARS(n=len(controls), n2=format(len(text), ","), label=enc.label),
            line=text.count("\n", 0, first) + 1,
            value=f"{ord(text[first]):#04x}",
        )


def _scan_utf8(chunks: Iterable[bytes]) -> tuple[bool, int | None, bytes, int]:
    """Read the whole file as UTF-8: ``(saw valid non-ASCII before the first bad byte,
    position of the bad byte in its chunk or None, that chunk, line of the bad byte)``."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    seen_non_ascii = False
    lines = 0
    chunk = b""
    for chunk in chunks:
        if not chunk.isascii():
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = max(0, exc.start - pending)
                seen_non_ascii = seen_non_ascii or not chunk[:at].isascii()
                return seen_non_ascii, at, chunk, lines + _line_of(chunk, at)
            seen_non_ascii = True
        lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a character
        at = max(0, len(chunk) - 1)
        return seen_non_ascii, at, chunk, lines + 1 - chunk[at:].count(b"\n")
    return seen_non_ascii, None, b"", lines


def _non_ascii_lines(first: bytes, rest: Iterator[bytes]) -> bytes:
    """Lines holding non-ASCII bytes (up to :data:`DETECTOR_SAMPLE`) for the detector."""
    picked: list[bytes] = []
    size = 0
    for chunk in [first, *rest]:
        for line in chunk.split(b"\n"):
            if not line.isascii():
                picked.append(line)
                size += len(line) + 1
                if size >= DETECTOR_SAMPLE:
                    return b"\n".join(picked)
    return b"\n".join(picked)


def _spanish_score(text: str) -> int:
    """How Spanish the non-ASCII characters look: accented vowels and ñ count for, ``¡``/``¿``
    only where a word starts (``cil¡ndrica`` is code page 850 read as Windows-1252); other
    letters and the usual symbols (€, “ ”, –, °…) are neutral; anything else counts against."""
    score = 0
    for i, ch in enumerate(text):
        if ch.isascii():
            continue
        word_start = i == 0 or not text[i - 1].isalnum()
        if ch in _SPANISH_LETTERS or (ch in "¡¿" and word_start):
            score += 1
        elif ch in "¡¿" or not (ch.isalpha() or ch in _USUAL_SYMBOLS):
            score -= 1
    return score


def _code_page(sample: bytes) -> Encoding | None:
    """The code page of non-UTF-8 text: text when charset-normalizer finds it plausible in
    one of :data:`CODE_PAGES` or its letters look Spanish in one; between Windows-1252 and
    DOS 850 the one whose letters look Spanish wins, Windows-1252 (what Excel and most ERPs
    write as "ANSI") a tie; Latin-1 when neither decodes."""
    # charset-normalizer is imported only for a file that is not UTF-8 (it adds ~20 ms to
    # the start of every command otherwise)
    from charset_normalizer import from_bytes

    plausible = from_bytes(sample, cp_isolation=list(CODE_PAGES), explain=False).best()
    scores: dict[str, int] = {}
    for codec in ("cp1252", "cp850"):
        try:
            scores[codec] = _spanish_score(sample.decode(codec))
        except UnicodeDecodeError:
            continue
    if plausible is None and max(scores.values(), default=0) < 0:
        return None  # neither the detector nor the letters see text
    codec = max(scores, key=lambda c: (scores[c], c == "cp1252")) if scores else "latin_1"
    label = _LABELS.get(codec, codec)
    return Encoding(codec, label, READ_AS(label=label, resave=RESAVE))


def _detect(head: bytes, chunks: Iterable[bytes], source: str) -> Encoding:
    if not head:
        raise UnreadableFile(source, EMPTY_FILE())
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return utf16
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(2, MAX_CONTROL_SHARE * len(head)):
        first = next(i for i, b in enumerate(head) if b in _CONTROL_BYTES)
        raise UnreadableFile(
            source,
            BINARY_BYTES(controls=controls, n=format(len(head), ",")),
            line=_line_of(head, first),
            value=f"{head[first]:#04x}",
        )
    it = iter(chunks)
    seen_non_ascii, bad, around, line = _scan_utf8(it)
    if bad is None:
        return UTF8
    if seen_non_ascii:
        raise UnreadableFile(
            source,
            MIXED_ENCODINGS(resave=RESAVE),
            line=line,
            value=around[max(0, bad - 12) : bad + 12].decode("latin_1"),
        )
    found = _code_page(_non_ascii_lines(around or head, it))
    if found is None:
        raise UnreadableFile(
            source,
            NOT_TEXT(resave=RESAVE),
            line=line,
        )
    return found


def evident_encoding(head: bytes) -> Encoding | None:
    """The encoding the first bytes of a text show for certain — a BOM, UTF-16 without BOM,
    or UTF-8 with non-ASCII characters — or ``None`` (ASCII or a single-byte code page).
    For readers of a fixed encoding (SAT files are Windows-1252) to name a file that is not."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    found = _utf16_without_bom(head)
    if found is not None or head.isascii():
        return found
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return UTF8


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            yield block


def detect_file(path: Path, source: str) -> tuple[Encoding, str]:
    """The encoding of the text file ``path`` and its first characters (for the
    delimiter detector); :class:`UnreadableFile` for binary data."""
    with path.open("rb") as fh:
        head = fh.read(CHUNK)
    enc = _detect(head, _file_chunks(path), source)
    text = _decode_head(head, enc)
    _check_text(text, source, enc)
    return enc, text


def _decode_head(head: bytes, enc: Encoding) -> str:
    decoder = codecs.getincrementaldecoder(enc.codec)("replace")
    return decoder.decode(head, final=False)


def decode_bytes(data: bytes, source: str) -> tuple[str, Encoding]:
    """All of ``data`` as text, with the encoding found (for readers that hold the whole
    file: archivo M, small tables); :class:`UnreadableFile` when it cannot be read."""
    enc = _detect(data[:CHUNK], (data[i : i + CHUNK] for i in range(0, len(data), CHUNK)), source)
    try:
        text = data.decode(enc.codec)
    except UnicodeDecodeError as exc:
        raise decode_error(source, enc, data, exc.start) from None
    _check_text(text[:CHUNK], source, enc)
    return text, enc


def decode_error(source: str, enc: Encoding, data: bytes, offset: int) -> UnreadableFile:
    """The message for a byte at ``offset`` that ``enc`` cannot decode."""
    if enc.codec.startswith(("utf-16", "utf-32")):
        line = data[:offset].decode(enc.codec, "replace").count("\n") + 1
    else:
        line = _line_of(data, offset)
    return UnreadableFile(
        source,
        BAD_BYTE(value=format(data[offset], "#04x"), label=enc.label, resave=RESAVE),
        line=line,
        value=f"{data[offset]:#04x}",
    )


def locate_decode_error(path: Path, source: str, enc: Encoding) -> UnreadableFile:
    """Find, after the fact, where a streamed file stopped decoding (error path only)."""
    data = path.read_bytes()
    try:
        data.decode(enc.codec)
    except UnicodeDecodeError as exc:
        return decode_error(source, enc, data, min(exc.start, len(data) - 1))
    return UnreadableFile(source, CANNOT_DECODE(label=enc.label, resave=RESAVE))
