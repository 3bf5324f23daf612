"""A bilingual label shows only its English part to an English reader, also where no space follows a
closing full-width bracket ("创建于（起）Created from" showed both languages in the list filters)."""

import pytest

from workflow.templatetags.unionflow_ui import pick_language


@pytest.mark.parametrize(
    ("label", "english"),
    [
        ("创建于（起）Created from", "Created from"),
        ("截止时间（最早） Due (soonest)", "Due (soonest)"),
        ("审查 Review", "Review"),
        ("ACME工会", "ACME工会"),  # no English part: unchanged
        ("A 已解决 Solved", "A Solved"),  # a reply's classification keeps its letter
    ],
)
def test_an_english_reader_sees_the_english_part(label, english):
    assert pick_language(label, "en") == english
    assert pick_language(label, "zh-hans") == label
