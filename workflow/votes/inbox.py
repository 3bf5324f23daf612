"""An open electronic congress vote is in each elector's inbox until they have cast their ballot.

《工会法》第三十六条 / 职代会条例: representatives vote on the congress's resolutions; the electorate
is frozen when the vote opens (:class:`~workflow.votes.models.Elector`), so the inbox reads it,
not the representatives' current roles. A paper vote is tallied by the secretary: no item.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflow.inbox import source_item

from .models import Elector, Turnout, VoteMethod, VoteStatus

#: The inbox's label of the item; the case's own step (e.g. 大会表决) is shown as its state.
CAST_BALLOT = _("投票 Cast your ballot")


def open_votes_for(user, limit: int) -> list[dict]:
    """The open electronic votes ``user`` is an elector of and has not voted in (one query)."""
    rows = (
        Elector.objects.filter(user=user, vote__status=VoteStatus.OPEN, vote__method=VoteMethod.ELECTRONIC)
        .exclude(vote__in=Turnout.objects.filter(user=user).values("vote_id"))
        .order_by("vote__opened_at", "vote_id")
        .values("vote_id", "vote__process_key", "vote__case_id", "vote__case_ref", "vote__organisation_id")[:limit]
    )
    return [
        source_item(
            process=r["vote__process_key"], case_id=r["vote__case_id"], reference=r["vote__case_ref"],
            task=CAST_BALLOT, organisation_id=r["vote__organisation_id"], kind="vote",
            url=reverse("votes:detail", kwargs={"pk": r["vote_id"]}),
        )
        for r in rows
    ]
