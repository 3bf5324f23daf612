"""``{% load votes_ui %}{% case_votes_panel case %}``: the congress votes on a case, with their results."""

from django import template
from django.contrib.contenttypes.models import ContentType

from ..models import Vote

register = template.Library()


@register.inclusion_tag("votes/includes/case_panel.html")
def case_votes_panel(case):
    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    return {"votes": Vote.objects.filter(case_type=case_type, case_id=case.pk).order_by("opened_at", "pk")}
