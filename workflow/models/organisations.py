"""Organisations (a tree), member profiles and role assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..roles import Role


class OrgKind(models.TextChoices):
    FEDERATION = "federation", _("总工会 Federation")
    ENTERPRISE = "enterprise", _("基层工会 Grass-roots union")
    GROUP = "group", _("工会小组 Union group")
    DEPARTMENT = "department", _("承办部门 Department")


class Organisation(models.Model):
    """A node of the union tree: federation → grass-roots union → group or department.

    ``path`` is the chain of ids from the root (``/1/5/23/``) so a subtree is one
    indexed prefix query, which keeps scope checks cheap at 3,021 organisations.
    """

    code = models.SlugField(_("代码 Code"), max_length=40, unique=True)
    name = models.CharField(_("名称 Name"), max_length=200)
    kind = models.CharField(_("类型 Kind"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    #: Organisation-adjustable settings (e.g. ``proposal.min_cosigners``), validated by their users.
    settings = models.JSONField(_("设置 Settings"), default=dict, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织 Organisation")
        verbose_name_plural = _("组织 Organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this organisation."""
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def enterprise(self) -> Organisation:
        """The grass-roots union this unit belongs to (itself if it is one)."""
        node = self
        while node.kind in (OrgKind.GROUP, OrgKind.DEPARTMENT) and node.parent_id:
            node = node.parent
        return node

    def setting(self, key: str, default):
        return (self.settings or {}).get(key, default)

    def int_setting(self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
        """An adjustable whole number (``proposal.min_cosigners``…) kept within what the rule allows.

        A value that is not a number is ignored (``default``); one outside ``minimum``–``maximum``
        is taken as the nearest bound, so a mistyped setting never stops a process.
        """
        try:
            value = int(self.setting(key, default))
        except (TypeError, ValueError):
            value = default
        if minimum is not None:
            value = max(value, minimum)
        if maximum is not None:
            value = min(value, maximum)
        return value

    @property
    def reference(self) -> str:
        """How the organisation's own audit chain (its settings changes) is labelled."""
        return f"org:{self.code}"[:40]


class MemberProfile(models.Model):
    """A union member's record. ID number and phone are restricted personal data."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="profile")
    member_number = models.CharField(_("会员编号 Member number"), max_length=40, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members")
    union_group = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="group_members"
    )
    id_number = models.CharField(_("身份证号 ID number"), max_length=18, blank=True)
    phone = models.CharField(_("电话 Phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("会员档案 Member profile")
        verbose_name_plural = _("会员档案 Member profiles")

    def __str__(self) -> str:
        return self.member_number

    @staticmethod
    def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
        if not value:
            return ""
        if len(value) <= keep_start + keep_end:
            return "*" * len(value)
        return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]

    @property
    def id_number_masked(self) -> str:
        return self.mask(self.id_number, 3, 4)

    @property
    def phone_masked(self) -> str:
        return self.mask(self.phone, 3, 4)


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        ).filter(user__is_active=True)


class RoleAssignment(models.Model):
    """``user`` holds ``role`` in ``organisation`` from ``valid_from`` to ``valid_to`` (inclusive)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(_("角色 Role"), max_length=30, choices=Role.choices)
    valid_from = models.DateField(_("起 From"), default=timezone.localdate)
    valid_to = models.DateField(_("止 To"), null=True, blank=True)
    #: For representatives: the congress term they were elected for.
    term = models.ForeignKey(
        "workflow.CongressTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="representatives"
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色分配 Role assignment")
        verbose_name_plural = _("角色分配 Role assignments")
        indexes = [
            models.Index(fields=["user", "role"]),
            models.Index(fields=["organisation", "role"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.organisation}"
