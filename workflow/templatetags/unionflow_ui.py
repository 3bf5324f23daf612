"""Template helpers shared by every page of the web UI."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

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
    return mark_safe(tpl.render(context.flatten(), context.get("request")))  # noqa: S308 - template output


@register.simple_tag
def ui_site():
    """The web UI's viewflow Site, so pages mounted outside it still show its menu."""
    from workflow.ui.site import get_site

    return get_site()
