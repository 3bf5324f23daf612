"""Template helpers shared by every page of the web UI."""

import re

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def include_optional(context, template_name: str) -> str:
    """Render ``template_name`` with the current context, or nothing if it does not exist.

    Engine parts (notifications, documents, …) add their fragments to the page
    shell; the shell must still render while a part is absent.
    """
    try:
        tpl = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    # The output of a template render is already escaped by that template.
    return mark_safe(tpl.render(context.flatten(), context.get("request")))


@register.simple_tag
def ui_site():
    """The web UI's viewflow Site, so pages mounted outside it still show its menu."""
    from workflow.ui.site import get_site

    return get_site()


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


@register.filter(name="lang")
def lang_filter(text) -> str:
    return pick_language(text)


@register.simple_tag
def bi(text) -> str:
    """``{% bi "待办 Inbox" %}``: a bilingual UI label in the reader's language."""
    return pick_language(text)
