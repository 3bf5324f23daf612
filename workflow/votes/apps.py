from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "workflow.votes"
    label = "votes"
    verbose_name = _("职代会表决 Congress votes")
    default_auto_field = "django.db.models.BigAutoField"
