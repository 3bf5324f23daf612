"""Template helper for the audit export menu entry."""

from django import template

from workflow.audit.export import may_export

register = template.Library()


@register.filter
def may_export_audit(user) -> bool:
    """``{% if request.user|may_export_audit %}``: the user holds the auditor or administrator role somewhere."""
    return may_export(user)
