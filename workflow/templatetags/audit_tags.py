"""``{% load audit_tags %}``: whether the menu offers the auditors' workspace (search, dashboard, anchors)."""

from django import template

from workflow.audit.search import may_search

register = template.Library()


@register.filter
def may_search_audit(user) -> bool:
    """``{% if request.user|may_search_audit %}``: an auditor, administrator or chair somewhere."""
    return may_search(user)


@register.filter
def export_progress(export):
    """``{{ export|export_progress }}``: percent of its chains a running export has verified, or ""."""
    from workflow.audit.progress import percent

    value = percent(export)
    return "" if value is None else value


@register.filter
def may_take_dossier(case, user) -> bool:
    """``{% if case|may_take_dossier:request.user %}``: the case page offers its dossier."""
    from workflow.audit.dossier import may_take_dossier as allowed

    return bool(allowed(user, case))
