"""Reading a generated PDF back: its text, and the fonts it embeds."""

import io
import re

from pypdf import PdfReader


def text_of(content: bytes) -> str:
    """The text of every page, as a reader would copy it out of the file."""
    reader = PdfReader(io.BytesIO(content))
    # pypdf puts NULs or spaces between glyphs of a two-byte font; compare without them.
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in reader.pages))


def fonts_of(content: bytes) -> set[str]:
    """The names of the fonts the pages use (embedded, so not a viewer's default)."""
    reader = PdfReader(io.BytesIO(content))
    return {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
