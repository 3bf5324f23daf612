"""Upload checks: the allow-list of content types, by extension and by the file's own bytes.

The type a client declares is never trusted: the extension picks the one type the
file may be, and the content must look like that type (magic bytes for PDF, PNG and
JPEG; the expected members for the zip-based office formats; decodable text with no
NUL bytes for plain text).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

#: extension → content type (the allow-list).
ALLOWED = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".odt": ODT,
}
#: Types accepted for the scan of a wet signature or seal.
SCAN_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})

MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
ZIP_MEMBER = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

TYPE_NOT_ALLOWED = _(
    "不允许的文件类型（允许：PDF、PNG、JPEG、TXT、DOCX、XLSX、ODT） "
    "File type not allowed (allowed: PDF, PNG, JPEG, TXT, DOCX, XLSX, ODT)."
)
CONTENT_MISMATCH = _("文件内容与扩展名不符 The file's content does not match its extension.")
NOT_TEXT = _(
    "文本文件须为 UTF-8 或 GB18030 编码且不含二进制内容 A text file must be UTF-8 or GB18030 text with no binary content."
)


@dataclass(frozen=True)
class Verdict:
    content_type: str = ""
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def decode_text(data: bytes) -> str | None:
    """Text as stored: UTF-8 (with or without BOM) or GB18030; None if it is not text."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _zip_ok(fileobj, content_type: str) -> bool:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if content_type == ODT:
                if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
                    return False
                return archive.read("mimetype").strip() == ODT.encode()
            return ZIP_MEMBER[content_type] in names
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False


def check(name: str, fileobj) -> Verdict:
    """The content type of an upload named ``name``, or why it is refused. Leaves the file at offset 0."""
    ext = os.path.splitext(name or "")[1].lower()
    content_type = ALLOWED.get(ext)
    if content_type is None:
        return Verdict(reason=str(TYPE_NOT_ALLOWED))
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    try:
        if content_type in MAGIC:
            ok = any(head.startswith(m) for m in MAGIC[content_type])
        elif content_type == "text/plain":
            ok = decode_text(fileobj.read()) is not None
        else:
            ok = head.startswith(b"PK\x03\x04") and _zip_ok(fileobj, content_type)
    finally:
        fileobj.seek(0)
    if not ok:
        return Verdict(reason=str(NOT_TEXT if content_type == "text/plain" else CONTENT_MISMATCH))
    return Verdict(content_type=content_type)
