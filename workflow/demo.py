"""Demo and benchmark data: the organisations, people and roles behind ``manage.py seed_demo``.

``build_demo`` creates the small federation the README documents (every account's password is
``unionflow-demo``); ``build_full`` tops it up to the size of the seed report (3,021 union
organisations, 79,801 members) with bulk inserts and one precomputed password hash. Both are
idempotent: rows are looked up by their natural keys (code, username, member number) and only
missing ones are created. The data is fictitious; ID numbers and phone numbers are well formed
(GB 11643 check digit, 11-digit mobile numbers) but belong to no one.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from . import registry
from .models import CongressSession, CongressTerm, MemberProfile, Organisation, OrgKind, RoleAssignment
from .roles import Role

DEMO_PASSWORD = "unionflow-demo"

#: The seed report's federation: union organisations (federation, enterprises, groups) and members.
FULL_ORGANISATIONS = 3021
FULL_MEMBERS = 79801

#: code, name, kind, parent code
DEMO_ORGANISATIONS = [
    ("fed", "镇总工会", OrgKind.FEDERATION, None),
    ("acme", "艾克米机械有限公司工会", OrgKind.ENTERPRISE, "fed"),
    ("beta", "贝塔纺织有限公司工会", OrgKind.ENTERPRISE, "fed"),
    ("acme-g1", "艾克米一车间工会小组", OrgKind.GROUP, "acme"),
    ("acme-g2", "艾克米二车间工会小组", OrgKind.GROUP, "acme"),
    ("beta-g1", "贝塔织造车间工会小组", OrgKind.GROUP, "beta"),
    ("acme-office", "办公室", OrgKind.DEPARTMENT, "acme"),
    ("acme-hr", "人力资源部", OrgKind.DEPARTMENT, "acme"),
    ("acme-logistics", "后勤保障部", OrgKind.DEPARTMENT, "acme"),
]

R = Role
#: username, display name, home organisation, union group, [(role, organisation code)], is_superuser.
#: Representatives (and review-committee members, who are representatives too) are elected for
#: the current congress term of acme.
DEMO_USERS = [
    *[(f"rep{i}", name, "acme", "acme-g1" if i <= 3 else "acme-g2", [(R.REPRESENTATIVE, "acme"), (R.MEMBER, "acme")], False)
      for i, name in enumerate(["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆"], start=1)],
    ("member1", "赵磊", "acme", "acme-g1", [(R.MEMBER, "acme")], False),
    ("member2", "孙丽", "acme", "acme-g2", [(R.MEMBER, "acme")], False),
    ("bmember1", "周敏", "beta", "beta-g1", [(R.MEMBER, "beta")], False),
    *[(f"review{i}", name, "acme", "acme-g1", [(R.REVIEW_COMMITTEE, "acme"), (R.REPRESENTATIVE, "acme")], False)
      for i, name in enumerate(["吴刚", "郑红", "冯涛"], start=1)],
    ("dept1", "何平", "acme", None, [(R.DEPARTMENT, "acme"), (R.DEPARTMENT, "acme-office")], False),
    ("dept2", "钱敏", "acme", None, [(R.DEPARTMENT, "acme-hr")], False),
    ("dept3", "孔亮", "acme", None, [(R.DEPARTMENT, "acme-logistics")], False),
    ("chair", "高志强", "acme", None, [(R.CHAIR, "acme"), (R.MEDIATION_CHAIR, "acme")], False),
    ("committee1", "林芳", "acme", None, [(R.UNION_COMMITTEE, "acme")], False),
    ("committee2", "罗军", "acme", None, [(R.UNION_COMMITTEE, "acme")], False),
    ("visitor1", "梁燕", "acme", "acme-g1", [(R.VERIFIER, "acme")], False),
    ("visitor2", "宋斌", "acme", "acme-g2", [(R.VERIFIER, "acme")], False),
    ("finance1", "唐丽华", "acme", None, [(R.FINANCE, "acme")], False),
    ("mediator1", "许文", "acme", None, [(R.MEDIATOR, "acme")], False),
    ("mediator2", "韩梅", "acme", None, [(R.MEDIATOR, "acme")], False),
    ("employer1", "曹总", "acme", None, [(R.EMPLOYER_REP, "acme")], False),
    ("fedchair", "邓华", "fed", None, [(R.AID_CENTRE, "fed")], False),
    ("auditor1", "彭审", "fed", None, [(R.AUDITOR, "fed")], False),
    ("admin", "系统管理员", "fed", None, [(R.ADMIN, "fed")], True),
]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤梅琳建国志文斌宇浩凯鹏辉健波宁欣雪颖"


def fake_id_number(n: int, region: str = "320506") -> str:
    """A well-formed 18-digit resident ID (GB 11643 check digit) that belongs to no one."""
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=(n * 7919) % (35 * 365))
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    check = _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    return body + check


def fake_phone(n: int) -> str:
    """An 11-digit mainland mobile number in the 139 range."""
    return f"139{n % 100_000_000:08d}"


def fake_name(n: int) -> str:
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)]


def _since() -> dt.date:
    return dt.date(timezone.localdate().year - 2, 1, 1)


def _ensure_org(code, name, kind, parent) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        org = Organisation.objects.create(code=code, name=name, kind=kind, parent=parent)
    return org


def _ensure_term(org: Organisation) -> CongressTerm:
    """The organisation's current congress term (a five-year term around today), created if missing."""
    term = CongressTerm.current_for(org)
    if term is None:
        year = timezone.localdate().year
        number = (CongressTerm.objects.filter(organisation=org).order_by("-number").values_list("number", flat=True)
                  .first() or 4) + 1
        term = CongressTerm.objects.create(
            organisation=org, number=number, starts_on=dt.date(year - 2, 1, 1), ends_on=dt.date(year + 2, 12, 31)
        )
    return term


def _ensure_role(user, org, role, *, term=None) -> None:
    if not RoleAssignment.objects.filter(user=user, organisation=org, role=role).exists():
        RoleAssignment.objects.create(
            user=user, organisation=org, role=role, term=term,
            valid_from=term.starts_on if term else _since(),
        )


@transaction.atomic
def build_demo(*, password_hash: str | None = None) -> tuple[dict[str, Organisation], dict]:
    """Create (or complete) the demo federation; returns (organisations by code, users by username)."""
    password_hash = password_hash or make_password(DEMO_PASSWORD)
    orgs: dict[str, Organisation] = {}
    for code, name, kind, parent in DEMO_ORGANISATIONS:
        orgs[code] = _ensure_org(code, name, kind, orgs.get(parent))
    terms = {code: _ensure_term(orgs[code]) for code in ("acme", "beta")}
    for term in terms.values():
        CongressSession.objects.get_or_create(
            term=term, number=1, defaults={"opens_on": timezone.localdate() + dt.timedelta(days=45)}
        )
    User = get_user_model()
    users = {}
    for index, (username, name, home, group, roles, superuser) in enumerate(DEMO_USERS, start=1):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username, first_name=name, email=f"{username}@example.org", password=password_hash,
                is_staff=superuser, is_superuser=superuser,
            )
        users[username] = user
        if not MemberProfile.objects.filter(user=user).exists():
            MemberProfile.objects.create(
                user=user, member_number=f"{home.upper()}-{index:04d}", organisation=orgs[home],
                union_group=orgs[group] if group else None,
                id_number=fake_id_number(index), phone=fake_phone(index),
            )
        for role, code in roles:
            term = terms.get(code) if role == Role.REPRESENTATIVE else None
            _ensure_role(user, orgs[code], role, term=term)
    return orgs, users


def run_process_hooks(orgs: dict, users: dict, *, on_error: Callable[[str, Exception], None] | None = None) -> list[str]:
    """Let every registered process add its demo cases: ``spec.seed_demo(orgs, users)``.

    Each hook runs in its own transaction and must itself be idempotent. Returns the keys of
    the processes whose hook failed (after reporting each through ``on_error``).
    """
    failed = []
    for spec in registry.all_processes():
        hook = spec.seed_demo
        if not callable(hook):
            continue
        try:
            with transaction.atomic():
                try:
                    inspect.signature(hook).bind(orgs, users)
                except TypeError:
                    hook(orgs=orgs, users=users)
                else:
                    hook(orgs, users)
        except Exception as exc:  # one broken process must not hide the others' demo data
            failed.append(spec.key)
            if on_error:
                on_error(spec.key, exc)
    return failed


def _plan_enterprises(remaining: int) -> list[int]:
    """Groups per generated enterprise so that enterprises + groups == ``remaining`` (about 1:4)."""
    if remaining <= 0:
        return []
    count = math.ceil(remaining / 5)
    groups = remaining - count
    base, extra = divmod(groups, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _bulk_orgs(rows: list[Organisation], batch: int) -> list[Organisation]:
    """Insert organisations and set their materialised ``path`` (``save()`` is bypassed by bulk_create)."""
    Organisation.objects.bulk_create(rows, batch_size=batch)
    ids = dict(Organisation.objects.filter(code__in=[o.code for o in rows]).values_list("code", "pk"))
    for org in rows:
        org.pk = ids[org.code]
    parents = dict(Organisation.objects.filter(pk__in={o.parent_id for o in rows}).values_list("pk", "path"))
    for org in rows:
        org.path = f"{parents[org.parent_id]}{org.pk}/"
    Organisation.objects.bulk_update(rows, ["path"], batch_size=batch)
    return rows


def _add_enterprises(fed: Organisation, plan: list[int], batch: int, bar) -> None:
    """The enterprises ``ent0001``… under ``fed`` with ``plan[i]`` groups each; those present are kept."""
    existing = set(Organisation.objects.filter(code__startswith="ent").values_list("code", flat=True))
    for start in range(0, len(plan), batch // 5 or 1):
        chunk = range(start, min(start + batch // 5 or 1, len(plan)))
        with transaction.atomic():
            ents = [Organisation(code=f"ent{i + 1:04d}", name=f"第{i + 1}企业工会", kind=OrgKind.ENTERPRISE, parent=fed)
                    for i in chunk if f"ent{i + 1:04d}" not in existing]
            _bulk_orgs(ents, batch)
            parents = dict(Organisation.objects.filter(code__in=[f"ent{i + 1:04d}" for i in chunk]).values_list("code", "pk"))
            groups = [
                Organisation(code=f"ent{i + 1:04d}-g{g}", name=f"第{i + 1}企业第{g}工会小组", kind=OrgKind.GROUP,
                             parent_id=parents[f"ent{i + 1:04d}"])
                for i in chunk for g in range(1, plan[i] + 1) if f"ent{i + 1:04d}-g{g}" not in existing
            ]
            _bulk_orgs(groups, batch)
        if bar:
            bar.update(len(chunk))


def _add_members(wanted: int, enterprises: list[int], groups_of: dict[int, list[int]], batch: int, bar) -> None:
    """Members ``w000001``… up to ``wanted``, spread over the enterprises and their groups; those present are kept."""
    password_hash = make_password(DEMO_PASSWORD)  # once: hashing 80k passwords would take hours
    since = _since()
    User = get_user_model()
    for start in range(0, wanted, batch):
        numbers = range(start + 1, min(start + batch, wanted) + 1)
        with transaction.atomic():
            have = set(User.objects.filter(username__in=[f"w{n:06d}" for n in numbers]).values_list("username", flat=True))
            User.objects.bulk_create(
                [User(username=f"w{n:06d}", first_name=fake_name(n), password=password_hash)
                 for n in numbers if f"w{n:06d}" not in have],
                batch_size=batch,
            )
            ids = dict(User.objects.filter(username__in=[f"w{n:06d}" for n in numbers]).values_list("username", "pk"))
            with_profile = set(MemberProfile.objects.filter(user_id__in=ids.values()).values_list("user_id", flat=True))
            todo = [(n, ids[f"w{n:06d}"]) for n in numbers if ids[f"w{n:06d}"] not in with_profile]
            profiles, roles = _member_rows(todo, enterprises, groups_of, since)
            MemberProfile.objects.bulk_create(profiles, batch_size=batch)
            RoleAssignment.objects.bulk_create(roles, batch_size=batch)
        if bar:
            bar.update(len(numbers))


def _member_rows(todo, enterprises: list[int], groups_of: dict[int, list[int]], since):
    """The profile and roles of each ``(number, user id)``: member of an enterprise and one of its
    groups; the first member of each enterprise also on its union committee, the second its chair."""
    profiles, roles = [], []
    for n, uid in todo:
        ent = enterprises[(n - 1) % len(enterprises)]
        ent_groups = groups_of.get(ent) or [None]
        profiles.append(MemberProfile(
            user_id=uid, member_number=f"W{n:06d}", organisation_id=ent,
            union_group_id=ent_groups[(n - 1) // len(enterprises) % len(ent_groups)],
            id_number=fake_id_number(100 + n), phone=fake_phone(100 + n),
        ))
        roles.append(RoleAssignment(user_id=uid, organisation_id=ent, role=Role.MEMBER, valid_from=since))
        if n <= len(enterprises):
            roles.append(RoleAssignment(user_id=uid, organisation_id=ent, role=Role.UNION_COMMITTEE, valid_from=since))
        elif n <= 2 * len(enterprises):
            roles.append(RoleAssignment(user_id=uid, organisation_id=ent, role=Role.CHAIR, valid_from=since))
    return profiles, roles


def build_full(
    *, organisations: int = FULL_ORGANISATIONS, members: int = FULL_MEMBERS, batch: int = 2000, progress=None
) -> dict:
    """Top the demo federation up to ``organisations`` union organisations and ``members`` members.

    Generated enterprises are ``ent0001``… with groups ``ent0001-g1``…; generated members are
    ``w000001``… (member of one enterprise and one of its groups; the first member of each
    enterprise also sits on its union committee, the second is its chair). Counts include the
    demo rows; departments are not union organisations and are not counted.
    """
    orgs, _users = build_demo()
    fed = orgs["fed"]
    union_orgs = Organisation.objects.exclude(kind=OrgKind.DEPARTMENT)
    fixed_orgs = union_orgs.exclude(code__startswith="ent").count()
    plan = _plan_enterprises(organisations - fixed_orgs)
    total_steps = len(plan) + max(0, members - MemberProfile.objects.exclude(member_number__startswith="W").count())
    bar = progress(total=total_steps) if progress else None

    _add_enterprises(fed, plan, batch, bar)
    enterprises = list(Organisation.objects.filter(kind=OrgKind.ENTERPRISE, code__startswith="ent").order_by("code")
                       .values_list("pk", flat=True)) or [orgs["acme"].pk]
    groups_of: dict[int, list[int]] = {}
    for pk, parent in Organisation.objects.filter(kind=OrgKind.GROUP, parent_id__in=enterprises).values_list("pk", "parent_id"):
        groups_of.setdefault(parent, []).append(pk)
    fixed_members = MemberProfile.objects.exclude(member_number__startswith="W").count()
    _add_members(max(0, members - fixed_members), enterprises, groups_of, batch, bar)
    if bar:
        bar.close()
    return {
        "organisations": union_orgs.count(),
        "members": MemberProfile.objects.count(),
        "federation": fed.code,
    }
