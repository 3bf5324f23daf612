from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "processes.proposals"
    label = "proposals"
    verbose_name = _("提案 Proposals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .process import register

        register()
