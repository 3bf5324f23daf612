"""Bilingual "中文 English" labels shown in the reader's language (pages, template tags, exports).

Below the pages and the template tags, which both use it.
"""

import re

from django.utils.translation import get_language

# "中文 English": Chinese text (no Latin letters), whitespace, then the English text.
#: "中文 English"; after a closing full-width bracket the space may be left out ("创建于（起）Created from").
#: A short code before the label ("A 已解决 Solved", a reply's classification) is kept in both languages.
_BILINGUAL = re.compile(
    r"^(?P<code>[A-Z0-9]{1,3}\s+)?"
    r"(?P<zh>[^A-Za-z]*?[\u3000-\u9fff\uff00-\uffef][^A-Za-z]*?)"
    r"(?:\s+|(?<=[）」』】]))(?P<en>[A-Za-z].*)$",
    re.S,
)


def pick_language(text, language: str | None = None) -> str:
    """Show a bilingual "中文 English" label in the reader's language.

    zh-Hans readers see the label as written (Chinese first, English after, the
    project's convention); English readers see only the English part. Labels that
    are not in that form are shown unchanged.
    """
    text = "" if text is None else str(text)
    language = language or get_language() or ""
    if not language.startswith("en"):
        return text
    match = _BILINGUAL.match(text.strip())
    return (match.group("code") or "") + match.group("en") if match else text
