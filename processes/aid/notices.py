"""The redacted public notice (公示) of an aid case.

It shows the masked name (张*明), the union, tier, aid type and amount — never the ID number,
address, diagnosis, income or bank data (rules.md A4: "the notice shows name (masked), unit,
category and amount; it must not show ID number, address or illness details").
"""

from __future__ import annotations

import hashlib


def masked_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a username-like name is masked the same way."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def applicant_name(case) -> str:
    """A Chinese name reads family name first (张小明); others as Django writes them."""
    user = case.applicant
    if any("\u4e00" <= ch <= "\u9fff" for ch in user.last_name + user.first_name):
        return user.last_name + user.first_name
    return user.get_full_name() or user.get_username()


def notice_fields(case, amount) -> dict:
    """The only fields a notice may show."""
    return {
        "reference": case.reference,
        "name": masked_name(applicant_name(case)),
        "organisation": case.organisation.name,
        "tier": str(case.get_tier_display()) if case.tier else "",
        "aid_type": str(case.get_aid_type_display()),
        "amount": str(amount),
    }


def notice_text(case, amount) -> str:
    f = notice_fields(case, amount)
    return (
        f"{f['organisation']} 困难职工帮扶公示 Hardship aid notice: {f['reference']} {f['name']}，"
        f"{f['tier']}，{f['aid_type']}，拟帮扶 {f['amount']} 元 proposed amount {f['amount']} yuan."
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
