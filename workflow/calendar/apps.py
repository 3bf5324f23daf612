from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "workflow.calendar"
    label = "wf_calendar"
    verbose_name = _("工作日历与期限规则 Calendar and deadline rules")
    default_auto_field = "django.db.models.BigAutoField"
