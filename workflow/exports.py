"""Files handed to a user: CSV tables and PDFs, the same way for every process and the engine.

A CSV is UTF-8 with a byte-order mark (Excel then shows Chinese), its header bilingual
like the rest of the UI, and a cell that starts like a spreadsheet formula (``= + - @``,
a tab or a carriage return) is prefixed with ``'`` so that opening the file never runs
what somebody typed into a case (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

#: The encoding of every CSV: ``utf-8-sig`` writes the BOM that makes Excel read UTF-8.
CSV_ENCODING = "utf-8-sig"
#: What a spreadsheet reads as the start of a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """The value as safe to open in a spreadsheet: text that looks like a formula is quoted with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """A whole CSV file: the header, then each row with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode(CSV_ENCODING)


def csv_response(*, header: Sequence[str], rows: Iterable[Sequence], filename: str) -> HttpResponse:
    """A CSV download (an attachment named ``filename``)."""
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (inline), saved as ``filename``."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
