from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "processes.disputes"
    label = "disputes"
    verbose_name = _("劳动争议调解 Labour-dispute mediation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .process import register

        register()
