"""Template helpers shared by every page of the web UI."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from workflow.ui.language import pick_language

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


@register.filter(name="lang")
def lang_filter(text) -> str:
    return pick_language(text)


@register.simple_tag
def bi(text) -> str:
    """``{% bi "待办 Inbox" %}``: a bilingual UI label in the reader's language."""
    return pick_language(text)
