from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("工作流引擎 Workflow engine")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (the registry's system checks; user deletion guard)
        from .inbox import register_source
        from .inbox_consents import awaiting_consent_for

        register_source("extension_consent", awaiting_consent_for)
