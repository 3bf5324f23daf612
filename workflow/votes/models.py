"""Congress votes (职代会表决): a vote on one case, its frozen electorate, turnout and ballot box.

The electorate is frozen when the vote opens (:class:`Elector` rows, and ``n`` on the
vote). Casting an electronic secret ballot writes :class:`Turnout` (*who* voted and when)
and adds one to a :class:`BallotBoxCount` counter, one per (vote, choice), in one
transaction under the vote's row lock.

Why counters rather than a row per ballot: any row per ballot can be linked back to its
voter by whoever reads the database directly, however anonymous its columns are. Rows
are stored in arrival order, matching the order of the turnout rows; SQLite gives even a
UUID-keyed table an incrementing hidden ``rowid``; on PostgreSQL the ballot row and the
turnout row carry the same transaction id (``xmin``). A counter has no such handle: no
row is ever added, so there is no order or rowid, and every cast rewrites *all* the
vote's counters (the chosen one +1, the others +0), so the transaction id they carry is
the last voter's on each of them and tells nothing of that voter's choice.

Out of reach of any table layout: old row versions that PostgreSQL keeps until
``VACUUM`` and its write-ahead log still record each update. They cannot be read with
SQL; protecting them is a matter of who may read the server's files.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteRule(models.TextChoices):
    #: 职代会决议: more than half of all representatives (过半数), ``yes > N/2``.
    RESOLUTION = "resolution", _("职代会决议（过半数） Congress resolution (more than half)")
    #: 集体合同草案: 《集体合同规定》第三十六条 "半数以上" includes half, ``yes ≥ ⌈N/2⌉``.
    CONTRACT = "contract", _("集体合同草案（半数以上） Collective contract draft (half or more)")


class VoteMethod(models.TextChoices):
    ELECTRONIC = "electronic", _("电子无记名投票 Electronic secret ballot")
    PAPER = "paper", _("纸质计票 Paper tally")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("表决中 Open")
    CLOSED = "closed", _("已结束 Closed")


class Choice(models.TextChoices):
    YES = "yes", _("赞成 Yes")
    NO = "no", _("反对 No")
    ABSTAIN = "abstain", _("弃权 Abstain")


class Vote(models.Model):
    """A vote of the congress on one case (a proposal, a contract draft)."""

    process_key = models.CharField(max_length=20)
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(_("编号 Reference"), max_length=40)
    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("workflow.CongressTerm", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("表决事项 Item"), max_length=200)
    rule = models.CharField(_("表决规则 Rule"), max_length=12, choices=VoteRule.choices)
    method = models.CharField(_("表决方式 Method"), max_length=12, choices=VoteMethod.choices)
    status = models.CharField(_("状态 Status"), max_length=8, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    #: Size of the frozen electorate.
    n = models.PositiveIntegerField(_("应到代表 Electorate (N)"))
    pass_transition = models.CharField(max_length=60)
    fail_transition = models.CharField(max_length=60)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开始 Opened"))
    # Paper tally, as entered by the congress secretary.
    tally_present = models.PositiveIntegerField(null=True, blank=True)
    tally_yes = models.PositiveIntegerField(null=True, blank=True)
    tally_no = models.PositiveIntegerField(null=True, blank=True)
    tally_abstain = models.PositiveIntegerField(null=True, blank=True)
    tally_invalid = models.PositiveIntegerField(null=True, blank=True)
    tally_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tally_at = models.DateTimeField(null=True, blank=True)
    # Result.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)
    #: The arithmetic the result applied (see :func:`workflow.votes.rules.decide`).
    arithmetic = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="vote_case")]
        verbose_name = _("表决 Vote")
        verbose_name_plural = _("表决 Votes")

    def __str__(self) -> str:
        return f"{self.case_ref}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == VoteStatus.OPEN


class Elector(models.Model):
    """One representative of the electorate frozen when the vote opened."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="vote_one_elector_row")]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.user_id}"


class Turnout(models.Model):
    """Who voted and when — never what they chose."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="turnout")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "user"], name="vote_one_ballot_per_voter")]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.user_id}"


class BallotBoxCount(models.Model):
    """The ballot box of an electronic vote: how many ballots chose one choice.

    One row per (vote, choice), created with a count of 0 for every choice when the
    vote opens and incremented as ballots are cast; there is never a row per ballot.
    """

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballot_box")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "choice"], name="vote_one_counter_per_choice")]
        verbose_name = _("票箱计数 Ballot box count")
        verbose_name_plural = _("票箱计数 Ballot box counts")

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.choice} × {self.count}"

