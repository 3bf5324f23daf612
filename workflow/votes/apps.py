from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "workflow.votes"
    label = "votes"
    verbose_name = _("职代会表决 Congress votes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflow.inbox import register_source

        from .inbox import open_votes_for

        register_source("votes.open_vote", open_votes_for)
