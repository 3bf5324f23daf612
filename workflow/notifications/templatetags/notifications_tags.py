"""``{% unread_notification_count as n %}`` for the bell in the page shell."""

from django import template

from ..services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The signed-in user's unread notifications (0 for anonymous users)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    cache = getattr(request, "_unread_notification_count", None) if request is not None else None
    if cache is None:
        cache = unread_count(user=user)
        if request is not None:
            request._unread_notification_count = cache
    return cache
