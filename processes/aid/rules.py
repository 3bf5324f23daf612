"""The aid rules that are data: organisation settings, caps and the tier rule (rules.md A4).

Every amount is in yuan (Decimal). An organisation adjusts a value in ``Organisation.settings``
(``aid.dibao_monthly``, ``aid.committee_limit.<type>``, ``aid.cap.<type>``, ``aid.member_annual_cap``,
``aid.emergency_cap``); a value that is not a positive number is ignored.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .states import AidType, Tier

#: 低保 per person and month when the organisation sets none (Rushan 2024–25: 1062 元/月, rules.md A4).
DIBAO_MONTHLY_DEFAULT = Decimal("1062")
#: The union committee decides up to this amount; the aid centre above it (practice: ≤ 2000 元).
COMMITTEE_LIMIT_DEFAULT = Decimal("2000")
#: Caps per aid type: living aid ≤ the annual 低保 total per household (computed), the others fixed.
CAP_DEFAULTS = {AidType.MEDICAL: Decimal("20000"), AidType.EDUCATION: Decimal("5000"), AidType.EMERGENCY: Decimal("5000")}
#: What one member may receive in a calendar year, all cases together.
MEMBER_ANNUAL_CAP_DEFAULT = Decimal("20000")
#: The emergency fast track's lower cap (chair plus one committee member).
EMERGENCY_CAP_DEFAULT = Decimal("3000")
#: The tier rule's version, recorded with its inputs.
TIER_RULE_VERSION = "aid.tier/1"


def _amount(organisation, key: str, default: Decimal) -> Decimal:
    try:
        value = Decimal(str(organisation.setting(key, default)))
    except (InvalidOperation, TypeError, ValueError):
        return default
    return value if value.is_finite() and value > 0 else default


def dibao_monthly(organisation) -> Decimal:
    return _amount(organisation, "aid.dibao_monthly", DIBAO_MONTHLY_DEFAULT)


def committee_limit(organisation, aid_type: str) -> Decimal:
    """L1: what the union committee may approve for this aid type (``aid.committee_limit.<type>``)."""
    return _amount(organisation, f"aid.committee_limit.{aid_type}", COMMITTEE_LIMIT_DEFAULT)


def type_cap(organisation, aid_type: str, household_size: int) -> Decimal:
    """The cap for the aid type: living aid ≤ 低保 × 12 × household size (the annual 低保 total of the
    household, 《中央财政专项帮扶资金使用管理办法》), unless ``aid.cap.<type>`` says otherwise."""
    if aid_type == AidType.LIVING:
        default = dibao_monthly(organisation) * 12 * max(household_size, 1)
    else:
        default = CAP_DEFAULTS.get(aid_type, Decimal("5000"))
    return _amount(organisation, f"aid.cap.{aid_type}", default)


def tier_cap(organisation, aid_type: str, tier: str, household_size: int) -> Decimal:
    """The cap for type and tier: ``aid.cap.<type>.<tier>`` if set, else the type's cap
    (relative hardship: half of it); nothing for an ineligible household."""
    if tier == Tier.INELIGIBLE:
        return Decimal("0")
    base = type_cap(organisation, aid_type, household_size)
    default = (base / 2).quantize(Decimal("0.01")) if tier == Tier.RELATIVE else base
    return _amount(organisation, f"aid.cap.{aid_type}.{tier}", default)


def member_annual_cap(organisation) -> Decimal:
    return _amount(organisation, "aid.member_annual_cap", MEMBER_ANNUAL_CAP_DEFAULT)


def emergency_cap(organisation) -> Decimal:
    return _amount(organisation, "aid.emergency_cap", EMERGENCY_CAP_DEFAULT)


def assess(*, household_income: Decimal, rigid_expenses: Decimal, household_size: int, dibao: Decimal) -> dict:
    """The tier rule (rules.md A4, the current ACFTU system):

    per-capita monthly income = (annual income − rigid expenses) ÷ 12 ÷ household size;
    深度困难 ``extreme`` if below 低保, 相对困难 ``relative`` if below 2 × 低保, else 意外致困
    ``accident`` if rigid expenses exceed 80 % of the household income, else ``ineligible``.
    Returns the outcome with its inputs, so the audit records how it was reached.
    """
    size = max(int(household_size), 1)
    per_capita = ((household_income - rigid_expenses) / 12 / size).quantize(Decimal("0.01"), ROUND_HALF_UP)
    if per_capita < dibao:
        tier = Tier.EXTREME
    elif per_capita < 2 * dibao:
        tier = Tier.RELATIVE
    elif rigid_expenses > household_income * Decimal("0.8"):
        tier = Tier.ACCIDENT
    else:
        tier = Tier.INELIGIBLE
    return {
        "rule": TIER_RULE_VERSION,
        "household_income": str(household_income),
        "rigid_expenses": str(rigid_expenses),
        "household_size": size,
        "dibao_monthly": str(dibao),
        "per_capita_monthly": str(per_capita),
        "tier": str(tier),
    }
