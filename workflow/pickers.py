"""Input fields that name people, cases and documents the way people do — and still accept ids.

One serializer field per kind, for every process: the API keeps accepting database ids
(clients depend on them) and also accepts a username or a case reference; a form generated
from the serializer (:mod:`workflow.ui.forms`) shows a choice of names instead of an id box.
What a field offers depends on the case, so each takes ``offer(case, user)`` and fills its
choices once the serializer has the case in its context.
A choice offered is a convenience, not a rule: a value outside it is still looked up, so
the serializer's ``validate_<name>`` can say why that person or case does not qualify.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .api.parsing import looks_like_id, parse_id
from .models import case_content_type

UNKNOWN_USER = _("未知用户 Unknown user: %(ref)s")
UNKNOWN_USERS = _("未知用户 Unknown users: %(refs)s")
UNKNOWN_CASE = _("没有该编号的案件 No case with this id or reference: %(ref)s")
UNKNOWN_DOCUMENTS = _("不是本案件的文件 Not documents of this case: %(refs)s")
MAX_OFFERED = 500
#: How the API schema documents a reference: an id, or a username / case reference. (The choices
#: a form offers depend on the case, so the schema names no enumeration.)
ID_OR_NAME = {"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 150}]}


def person_label(user) -> str:
    """A person as a picker shows them: name, with the username to tell namesakes apart."""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _find_user(ref):
    """An active user by id or username; None when ``ref`` names nobody."""
    users = get_user_model().objects.filter(is_active=True)
    if looks_like_id(ref):
        pk = parse_id(ref)
        return users.filter(pk=pk).first() if pk is not None else None
    if isinstance(ref, str) and ref and len(ref) <= 150 and "\x00" not in ref:
        return users.filter(username=ref).first()
    return None


def _find_users(refs: list) -> list[tuple]:
    """``(ref, user or None)`` for each reference, the users read in one statement."""
    pks, names = set(), set()
    for ref in refs:
        if isinstance(ref, bool):
            continue
        if looks_like_id(ref):
            pk = parse_id(ref)
            if pk is not None:
                pks.add(pk)
        elif isinstance(ref, str) and ref and len(ref) <= 150 and "\x00" not in ref:
            names.add(ref)
    if not pks and not names:
        return [(ref, None) for ref in refs]
    users = list(get_user_model().objects.filter(is_active=True).filter(Q(pk__in=pks) | Q(username__in=names)))
    by_pk = {u.pk: u for u in users}
    by_name = {u.get_username(): u for u in users}

    def one(ref):
        if isinstance(ref, bool):
            return None
        if looks_like_id(ref):
            return by_pk.get(parse_id(ref))
        return by_name.get(ref) if isinstance(ref, str) else None

    return [(ref, one(ref)) for ref in refs]


class _Offering:
    """Fill ``choices`` from ``offer(case, user)`` when the serializer knows the case.

    The choices are read when first asked for (a form shows them), not at binding: a transition
    only validating its input never reads what a form would offer (a statement saved per picker).
    """

    offer: Callable | None = None

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        context = getattr(parent, "context", None) or {}
        root_context = getattr(self.root, "context", None) or context
        case = root_context.get("case")
        if self.offer is not None and case is not None:
            self.offer_later(case, root_context.get("user"))

    def offer_later(self, case, user) -> None:
        self.__dict__["_pending_offer"] = (case, user)

    def _offer_now(self) -> None:
        pending = self.__dict__.pop("_pending_offer", None)
        if pending is not None:
            serializers.ChoiceField._set_choices(self, self.offered(*pending))

    def _get_choices(self):
        self._offer_now()
        return self._choices

    def _set_choices(self, choices):
        self.__dict__.pop("_pending_offer", None)
        serializers.ChoiceField._set_choices(self, choices)

    choices = property(_get_choices, _set_choices)

    @property
    def grouped_choices(self):
        self._offer_now()
        return self.__dict__.get("_grouped_choices", {})

    @grouped_choices.setter
    def grouped_choices(self, value):
        self.__dict__["_grouped_choices"] = value

    @property
    def choice_strings_to_values(self):
        self._offer_now()
        return self.__dict__.get("_choice_strings_to_values", {})

    @choice_strings_to_values.setter
    def choice_strings_to_values(self, value):
        self.__dict__["_choice_strings_to_values"] = value

    def offered(self, case, user) -> list[tuple[str, str]]:
        raise NotImplementedError


@extend_schema_field(ID_OR_NAME)
class UserField(_Offering, serializers.ChoiceField):
    """A person, given by id or username; returns the user. Forms offer people by name (username)."""

    def __init__(self, *, offer: Callable | None = None, **kwargs):
        self.offer = offer
        super().__init__(choices=[], **kwargs)

    def offered(self, case, user):
        people = list(self.offer(case, user)[:MAX_OFFERED])
        return [(u.get_username(), person_label(u)) for u in people]

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid_choice", input=data)
        found = _find_user(data)
        if found is None:
            raise serializers.ValidationError(str(UNKNOWN_USER % {"ref": data}))
        return found

    def to_representation(self, value):
        return value.get_username() if hasattr(value, "get_username") else value


class UserListField(serializers.ListField):
    """People, each by id or username; returns the users in the order given. An unknown name is
    reported once for the whole list (never as a per-item structure)."""

    def __init__(self, *, offer: Callable | None = None, **kwargs):
        kwargs.setdefault("child", UserField(offer=offer))
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        # The child was bound in __init__, before this list had a serializer: fill its choices
        # now that the serializer's context (the case) is within reach.
        context = getattr(self.root, "context", None) or {}
        if self.child.offer is not None and context.get("case") is not None:
            self.child.offer_later(context["case"], context.get("user"))

    def to_internal_value(self, data):
        if isinstance(data, (str, dict)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        data = list(data)
        if not self.allow_empty and not data:
            self.fail("empty")
        if self.min_length is not None and len(data) < self.min_length:
            self.fail("min_length", min_length=self.min_length)
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        found = _find_users(data)
        unknown = [str(ref) for ref, user in found if user is None]
        if unknown:
            raise serializers.ValidationError(str(UNKNOWN_USERS % {"refs": ", ".join(unknown)}))
        return [user for _ref, user in found]


@extend_schema_field(ID_OR_NAME)
class CaseField(_Offering, serializers.ChoiceField):
    """A case of ``model``, given by id or reference; returns its id (the serializer locks and checks it).
    Forms offer cases by reference and title."""

    def __init__(self, *, model, offer: Callable | None = None, **kwargs):
        self.model, self.offer = model, offer
        super().__init__(choices=[], **kwargs)

    def offered(self, case, user):
        return [(c.reference, f"{c.reference} · {c.title}") for c in self.offer(case, user)[:MAX_OFFERED]]

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid_choice", input=data)
        if looks_like_id(data):
            pk = parse_id(data)
        elif isinstance(data, str) and data and len(data) <= 40 and "\x00" not in data:
            pk = self.model.objects.filter(reference=data).values_list("pk", flat=True).first()
        else:
            pk = None
        if pk is None:
            raise serializers.ValidationError(str(UNKNOWN_CASE % {"ref": data}))
        return pk


def case_documents(case):
    """The current documents of ``case`` (latest versions), newest first."""

    from .documents.models import Document

    return Document.objects.filter(
        case_type=case_content_type(case), case_id=case.pk,
        next_version__isnull=True,
    ).order_by("-pk")


@extend_schema_field({"type": "array", "items": {"type": "integer", "minimum": 1}})
class DocumentListField(_Offering, serializers.MultipleChoiceField):
    """Documents of this case, by id; returns the documents in the order given. Forms offer the
    case's documents by name and version, and a file to upload to the case and choose at once."""

    accepts_upload = True

    def __init__(self, **kwargs):
        super().__init__(choices=[], **kwargs)
        self.offer = case_documents

    def offered(self, case, user):
        return [(str(d.pk), f"{d.name} (v{d.version})") for d in case_documents(case)[:MAX_OFFERED]]

    def to_internal_value(self, data):

        from .documents.models import Document

        if isinstance(data, (str, dict)) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        refs = list(data)
        ids = [parse_id(r) if looks_like_id(r) and not isinstance(r, bool) else None for r in refs]
        case = self.root.context.get("case")
        docs = {}
        if case is not None:
            docs = {
                d.pk: d
                for d in Document.objects.filter(
                    pk__in=[i for i in ids if i is not None],
                    case_type=case_content_type(case), case_id=case.pk,
                )
            }
        missing = [str(r) for r, i in zip(refs, ids, strict=True) if i not in docs]
        if missing:
            raise serializers.ValidationError(str(UNKNOWN_DOCUMENTS % {"refs": ", ".join(missing)}))
        return [docs[i] for i in dict.fromkeys(ids)]
