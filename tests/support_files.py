"""Files for the reader tests: a Spanish export, workbooks made on the fly, broken files."""

from __future__ import annotations

import io
import os
import zipfile

SPANISH = (
    "Número de pedimento;Clave;Fecha de entrada;No. de parte;Cantidad;Valor USD;País de origen\n"
    "25 47 3012 5000001;IN;2025-01-10;VÁLV-1;10;5;USA\n"
    "25 47 3012 5000002;IN;2025-01-11;Pieza cilíndrica ñ;2.5;7;CHN\n"
)
CANONICAL = ["pedimento", "clave", "date", "part_number", "quantity", "value_usd", "origin"]
ODS = "application/vnd.oasis.opendocument.spreadsheet"


def xlsx_bytes(rows: list[list[object]], percent: str | None = None, sheets: int = 1) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if percent:
        ws[percent].number_format = "0.0%"
    for i in range(1, sheets):
        wb.create_sheet(f"Hoja{i + 1}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ods_bytes(rows: list[list[str]]) -> bytes:
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Hoja1">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{ODS}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return buf.getvalue()


def broken_files() -> dict[str, bytes]:
    good = xlsx_bytes([CANONICAL, ["254730125000001", "IN", "2025-01-10", "A", 1, 1, "USA"]])
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("notas.txt", "hola")
    return {
        "random.csv": os.urandom(4096),
        "image.xlsx": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(200),
        "truncated.xlsx": good[: len(good) // 2],
        "empty.csv": b"",
        "blank.csv": b"\r\n \n\n",
        "doc.xlsx": docx.getvalue(),
        "archive.csv": other.getvalue(),
        "report.csv": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        "nul.csv": b"pedimento\x00\x00\x00\x00,clave\x00\x00\x00\n" * 3,
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + os.urandom(512),
        "garbled.ods": b"PK\x03\x04" + os.urandom(300),
    }
