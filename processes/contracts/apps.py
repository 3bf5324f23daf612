from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "processes.contracts"
    label = "contracts"
    verbose_name = _("集体合同 Collective contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .process import register

        register()
