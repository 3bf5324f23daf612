"""Optional: puts ``unread_notification_count`` into every template context.

The bell itself uses the template tag, so this is needed only by pages that show the
count elsewhere; enable it with
``"workflow.notifications.context_processors.unread_notifications"`` in ``TEMPLATES``.
"""

from django.utils.functional import SimpleLazyObject

from .services import unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notification_count": 0}
    # Lazy: pages that never show the count cost no query.
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user=user))}
