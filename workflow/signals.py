"""Users are deactivated, never deleted: viewflow's ``Task.owner`` cascades, and the
audit trail must keep naming who acted."""

from django.contrib.auth import get_user_model
from django.db.models.signals import pre_delete
from django.dispatch import receiver


class UserDeletionRefused(Exception):
    pass


@receiver(pre_delete, sender=get_user_model())
def refuse_user_delete(sender, instance, **kwargs):
    raise UserDeletionRefused(f"Users are deactivated, never deleted ({instance.get_username()}).")
