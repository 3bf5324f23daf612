"""A case's related rows read as its list reads them: from the page's prefetch, else one statement now."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from workflow.api.related import lookups_by_path, related_rows
from workflow.notifications.models import Notification

pytestmark = pytest.mark.django_db
LOOKUP = Prefetch("notifications", queryset=Notification.objects.order_by("title"))


@pytest.fixture
def user():
    someone = get_user_model().objects.create_user("reader")
    for title in ("b", "a"):
        Notification.objects.create(user=someone, kind="info", title=title)
    return someone


def test_rows_are_read_with_the_lookup_when_not_prefetched(user):
    fresh = get_user_model().objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        titles = [n.title for n in related_rows(fresh, LOOKUP)]
    assert titles == ["a", "b"] and len(queries) == 1


def test_rows_prefetched_for_a_page_cost_nothing_more(user):
    page = list(get_user_model().objects.filter(pk=user.pk).prefetch_related(LOOKUP))
    with CaptureQueriesContext(connection) as queries:
        titles = [n.title for n in related_rows(page[0], LOOKUP)]
    assert titles == ["a", "b"] and len(queries) == 0


def test_lookups_are_found_by_the_path_they_fill():
    assert lookups_by_path((LOOKUP, "delegations_given")) == {"notifications": LOOKUP, "delegations_given": "delegations_given"}
