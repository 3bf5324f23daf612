"""CSV and PDF downloads: the same encoding, header and CSV-injection defence for every process."""

import csv
import io

from workflow.exports import csv_bytes, csv_cell, csv_response, pdf_response


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_starts_with_a_bom_so_excel_reads_chinese():
    content = csv_bytes(["名称 Label"], [["已办结 Closed"]])
    assert content.startswith("\ufeff".encode())
    assert rows_of(content) == [["名称 Label"], ["已办结 Closed"]]


def test_a_cell_that_looks_like_a_formula_is_neutralised_and_numbers_are_kept():
    rows = rows_of(csv_bytes(["a", "b", "c", "d"], [['=HYPERLINK("http://x")', "+1", "@SUM(A1)", -3]]))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "-3"]
    assert csv_cell("\tcmd") == "'\tcmd" and csv_cell("普通 text") == "普通 text" and csv_cell(None) is None


def test_the_csv_response_is_an_attachment_and_the_pdf_one_is_inline():
    r = csv_response(header=["键 Key"], rows=[["x"]], filename="report.csv")
    assert r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert rows_of(r.content) == [["键 Key"], ["x"]]
    r = pdf_response(b"%PDF-1.4", "P-1.pdf")
    assert r["Content-Type"] == "application/pdf" and r["Content-Disposition"] == 'inline; filename="P-1.pdf"'
    assert r.content == b"%PDF-1.4"
