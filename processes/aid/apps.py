from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "processes.aid"
    label = "aid"
    verbose_name = _("困难职工帮扶 Hardship aid")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .process import register

        register()
