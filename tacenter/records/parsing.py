"""Reading an uploaded file as rows, one at a time: CSV (UTF-8 with or without a BOM, or
Windows-1252) or an Excel workbook (openpyxl's read-only mode streams it).

Whatever cannot be read as a whole is refused with a message (FileRefused) before any
row is looked at; problems of one cell are reported against that row and column. Memory
stays bounded: nothing here holds more than one row.
"""

from __future__ import annotations

import codecs
import csv
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from tacenter.errors import DomainError
from tacenter.records.columns import Kind

CHUNK = 1 << 16
MAX_CELL = 32_767  # Excel's own limit on a cell's characters
FORMULA_STARTS = ("=", "+", "-", "@")


class FileRefused(DomainError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


def file_type(path: str) -> str:
    """'xlsx' or 'csv', judged by the bytes; anything else is refused, saying what to send."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        raise FileRefused("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload that.")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused("This text file is UTF-16. Save it as CSV UTF-8 and upload that.")
    if b"\x00" in head:
        raise FileRefused("This is not a spreadsheet: upload a CSV file or an Excel workbook (.xlsx).")
    return "csv"


def csv_encoding(path: str) -> str:
    """utf-8-sig for a BOM, utf-8 if every byte decodes as UTF-8, else Windows-1252 (what
    Excel on Windows saves as "CSV"). Decided over the whole file, a chunk at a time."""
    with open(path, "rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError:
            raise FileRefused(
                "The file's text is neither UTF-8 nor Windows-1252. Save it as CSV UTF-8."
            ) from None
    return "cp1252"


def unescape(text: str) -> str:
    """Exports put an apostrophe before text a spreadsheet would run as a formula; take it off."""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _check_header(header: list[str], kind: Kind) -> list[str]:
    names = [h.strip().lower() for h in header]
    unknown = [n for n in names if n and n not in kind.names]
    missing = [c.name for c in kind.columns if c.required and c.name not in names]
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if unknown or missing or dupes:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if unknown:
            parts.append("unknown columns: " + ", ".join(unknown[:10]))
        if dupes:
            parts.append("columns given twice: " + ", ".join(dupes))
        raise FileRefused(
            f"The first row must name the columns of {kind.title.lower()} ({'; '.join(parts)}). "
            "Download the template to see them."
        )
    return names


def _csv_rows(path: str, kind: Kind) -> Iterator[Row]:
    encoding = csv_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = None
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if header is None:
                    header = _check_header(cells, kind)
                    continue
                row = Row(reader.line_num, {})
                if len(cells) > len(header):
                    row.problems.append(("", f"has {len(cells)} cells but there are {len(header)} columns"))
                for name, cell in zip(header, cells, strict=False):
                    if name:
                        row.values[name] = unescape(cell.strip())
                yield row
        except csv.Error as error:
            raise FileRefused(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    if header is None:
        raise FileRefused("The file has no rows.")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _pick_sheet(workbook, kind: Kind, sheet: str):
    if sheet:
        if sheet not in workbook.sheetnames:
            raise FileRefused(f"The workbook has no sheet named “{sheet}”.")
        return workbook[sheet]
    if kind.key in workbook.sheetnames:  # an export's workbook: one sheet per kind
        return workbook[kind.key]
    filled = [ws for ws in workbook.worksheets if any(any(c is not None for c in r) for r in ws.iter_rows(
        max_row=5, values_only=True))]  # fmt: skip
    if len(filled) > 1:
        names = ", ".join(f"“{ws.title}”" for ws in filled)
        raise FileRefused(f"The workbook has several sheets with data ({names}). Name the sheet to import.")
    return filled[0] if filled else workbook.worksheets[0]


def _xlsx_rows(path: str, kind: Kind, sheet: str, max_bytes: int) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > 20 * max_bytes:
                raise FileRefused("The workbook unpacks to more than we accept. Split it or send CSV.")
        workbook = load_workbook(path, read_only=True, data_only=False)
    except FileRefused:
        raise
    except Exception:  # a zip that is not a workbook (a .docx, a damaged file)
        raise FileRefused("This is not an Excel workbook we can read. Save it as .xlsx or CSV.") from None
    try:
        ws = _pick_sheet(workbook, kind, sheet)
        header = None
        for number, cells in enumerate(ws.iter_rows(), start=1):
            raw = [c.value for c in cells]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                continue
            if header is None:
                header = _check_header([_cell_text(v) for v in raw], kind)
                continue
            row = Row(number, {})
            for name, cell in zip(header, cells, strict=False):
                if not name:
                    continue
                if getattr(cell, "data_type", None) == "f":
                    row.problems.append((name, "is a formula; replace it with its value"))
                row.values[name] = unescape(_cell_text(cell.value))
            yield row
        if header is None:
            raise FileRefused("The sheet has no rows.")
    finally:
        workbook.close()


def read_rows(path: str, kind: Kind, *, sheet: str = "", max_bytes: int) -> Iterator[Row]:
    """The file's data rows (empty rows skipped), checked for size, type and header first."""
    if os.path.getsize(path) > max_bytes:
        raise FileRefused(f"The file is larger than the {max_bytes // (1024 * 1024)} MB we accept. Split it.")
    if file_type(path) == "xlsx":
        return _xlsx_rows(path, kind, sheet, max_bytes)
    return _csv_rows(path, kind)


def too_long(row: Row) -> None:
    for name, value in row.values.items():
        if len(value) > MAX_CELL:
            row.problems.append((name, f"is longer than {MAX_CELL} characters"))
