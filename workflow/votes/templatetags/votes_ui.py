"""``{% load votes_ui %}{% case_votes_panel case %}``: the congress votes on a case, with their results."""

from django import template

from ...models import case_content_type
from ..models import Vote

register = template.Library()


@register.inclusion_tag("votes/includes/case_panel.html")
def case_votes_panel(case):
    case_type = case_content_type(case)
    return {"votes": Vote.objects.filter(case_type=case_type, case_id=case.pk).order_by("opened_at", "pk")}
