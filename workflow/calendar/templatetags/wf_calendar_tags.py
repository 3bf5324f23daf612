"""Template helpers of the calendar: the missing-calendar banner, weekday names, rule settings in words."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def missing_calendar_years(context) -> list[int]:
    """Years needed soon without an arrangement, for a user who may load one; else nothing.

    Cached on the request: the page shell asks once per page.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None:
        return []
    cached = getattr(request, "_unionflow_missing_calendar", None)
    if cached is None:
        from ..importing import may_manage_calendar
        from ..readiness import missing_years

        cached = missing_years() if may_manage_calendar(user) else []
        request._unionflow_missing_calendar = cached
    return cached


@register.simple_tag
def provisional_deadlines_in(year: int) -> int:
    """Open provisional deadlines counting days of ``year``, for the banner."""
    from ..readiness import open_provisional_deadlines

    return open_provisional_deadlines(year)


@register.filter
def weekday_name(value) -> str:
    """``{{ day|weekday_name }}``: 周四 / Thu in the reader's language, never a digit."""
    from workflow.templatetags.unionflow_ui import pick_language

    from ..wording import weekday_name as name

    return pick_language(name(value))


@register.filter
def rule_in_words(rule: dict, part: str) -> str:
    """``{{ rule|rule_in_words:"on_expiry" }}`` or ``"starts_from"``: the setting in words."""
    from workflow.templatetags.unionflow_ui import pick_language

    from ..wording import on_expiry_words, starts_from_words

    if part == "starts_from":
        return pick_language(starts_from_words(rule["starts_from"]))
    return pick_language(on_expiry_words(rule["on_expiry"], rule.get("escalate_to") or ""))
