"""The one way client input becomes an id, an integer or a yes/no, for every endpoint.

Rules, the same in bodies, query strings and paths:

- an integer is a JSON integer or a string of ASCII digits (``-`` allowed where negatives are):
  never a float (``1.7``, ``1.0``), a bool, Unicode digits (``²``, ``٣``), blanks or ``1_000``;
- it lies within the database's signed 64-bit range, so no lookup can overflow a driver;
- an id is such an integer ≥ 1; text that is not one simply matches no row (a 404, not a 400);
- a yes/no is a JSON bool or one of ``true/false/1/0/yes/no``; a missing one is missing, not false.

Errors are 400s in the project's shape, naming the field or query parameter.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, serializers
from rest_framework.utils.urls import replace_query_param

from ..counting import capped_count
from ..errors import InvalidInput
from ..models.organisations import Organisation

#: The largest value a signed 64-bit column (``BigAutoField``, ``BigIntegerField``) holds.
MAX_DB_INT = 2**63 - 1
MIN_DB_INT = -(2**63)

_DIGITS = re.compile(r"-?[0-9]{1,19}")  # [0-9], not \d: \d also matches "٣" and friends
TRUE_TEXTS = frozenset({"true", "1", "yes"})
FALSE_TEXTS = frozenset({"false", "0", "no"})

INVALID = _("输入有误 Invalid input.")
NOT_INTEGER = _("必须是整数 Must be a whole number.")
OUT_OF_RANGE = _("必须在 %(low)s 与 %(high)s 之间 Must be between %(low)s and %(high)s.")
TOO_LONG = _("不能超过 %(max)s 个字符 At most %(max)s characters.")
NOT_BOOLEAN = _("必须是 true 或 false Must be true or false.")
CHOOSE_ORGANISATION = _("请选择组织 Choose an organisation.")


def strict_int(value) -> int | None:
    """``value`` as an int when it is written as one (see the module rules), else None.

    The range is not checked here: 19 digits may still exceed 64 bits.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return None


def parse_id(value) -> int | None:
    """A database id from client input, or None when it cannot be one (no row has it)."""
    number = strict_int(value)
    return number if number is not None and 0 < number <= MAX_DB_INT else None


def looks_like_id(value) -> bool:
    """Whether a reference "by id or by code" is meant as an id: ASCII digits only."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())


def id_or_code_lookup(value, *, code_field: str = "code", max_length: int = 40) -> dict | None:
    """A queryset lookup for a reference given by id or by code; None when it names nothing.

    ASCII digits are an id (out of range: nothing); other text is a code (too long, or with a
    NUL: nothing); any other JSON value (list, float, bool, null) names nothing.
    """
    if looks_like_id(value):
        pk = parse_id(value)
        return {"pk": pk} if pk is not None else None
    if isinstance(value, str) and value and len(value) <= max_length and "\x00" not in value:
        return {code_field: value}
    return None


def organisation_from_input(value, *, field: str = "organisation") -> Organisation:
    """The organisation the client names by id or by code; a 400 naming ``field`` when it names none."""
    lookup = id_or_code_lookup(value)
    organisation = Organisation.objects.filter(**lookup).first() if lookup else None
    if organisation is None:
        raise InvalidInput(str(INVALID), fields={field: [str(CHOOSE_ORGANISATION)]})
    return organisation


def check_int(value, *, name: str, minimum: int = MIN_DB_INT, maximum: int = MAX_DB_INT) -> int:
    """``value`` as an int within [minimum, maximum]; otherwise a 400 naming ``name``."""
    number = strict_int(value)
    if number is None:
        raise InvalidInput(str(INVALID), fields={name: [str(NOT_INTEGER)]})
    if not minimum <= number <= maximum:
        message = str(OUT_OF_RANGE) % {"low": minimum, "high": maximum}
        raise InvalidInput(str(INVALID), fields={name: [message]})
    return number


def strict_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in TRUE_TEXTS:
            return True
        if text in FALSE_TEXTS:
            return False
    return None


# Query parameters ----------------------------------------------------------------------


def query_int(request, name: str, *, default: int, minimum: int = MIN_DB_INT, maximum: int = MAX_DB_INT) -> int:
    """Query parameter ``name`` as an int; absent or empty: ``default``; anything else wrong: a 400."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    return check_int(raw, name=name, minimum=minimum, maximum=maximum)


def query_bool(request, name: str, *, default: bool = False) -> bool:
    """Query parameter ``name`` as a yes/no; absent or empty: ``default``; ``banana``: a 400."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    value = strict_bool(raw)
    if value is None:
        raise InvalidInput(str(INVALID), fields={name: [str(NOT_BOOLEAN)]})
    return value


def query_text(request, name: str, *, max_length: int = 200) -> str:
    """Query parameter ``name`` as text ('' when absent); longer than ``max_length``: a 400.

    Bounded because a search term becomes a LIKE pattern, which SQLite refuses past 50 KB.
    """
    raw = request.query_params.get(name, "")
    if len(raw) > max_length:
        message = str(TOO_LONG) % {"max": max_length}
        raise InvalidInput(str(INVALID), fields={name: [message]})
    return raw


# Serializer fields ---------------------------------------------------------------------


class IntegerField(serializers.IntegerField):
    """DRF's integer field under the module rules: no floats, bools or Unicode digits, and
    bounded to the database's 64-bit range unless narrower bounds are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_DB_INT)
        kwargs.setdefault("max_value", MAX_DB_INT)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        number = strict_int(data)
        if number is None:
            self.fail("invalid")
        return number


class BooleanField(serializers.BooleanField):
    """A yes/no that is given explicitly: a form body without the field does not mean false.

    DRF's own field reads a missing checkbox of an HTML form as ``False``; an API client that
    leaves a field out has not said "no". Accepts a JSON bool or true/false/1/0/yes/no.
    """

    default_empty_html = serializers.empty

    def to_internal_value(self, data):
        value = strict_bool(data)
        if value is None:
            self.fail("invalid", input=data)
        return value


# Pagination ----------------------------------------------------------------------------


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's ``?limit=&offset=`` read under the module rules: ``limit=abc`` or a limit beyond
    64 bits (which SQLite refuses as a datatype mismatch) is a 400 naming the parameter, where
    DRF would quietly use its default or pass the number on to the database."""

    def get_limit(self, request):
        limit = query_int(request, self.limit_query_param, default=self.default_limit, minimum=1)
        return min(limit, self.max_limit) if self.max_limit else limit

    def get_offset(self, request):
        return query_int(request, self.offset_query_param, default=0, minimum=0)


class CappedCountPagination(LimitOffsetPagination):
    """A case list's page: ``count`` is exact up to 10,000 cases (``count_exact: true``); past that
    it is 10,000 and ``count_exact`` is false ("more than 10,000"), so a list of 170,000 cases is
    never counted row by row (:mod:`workflow.counting`). ``next`` comes from the page itself (one
    row more is read), so a client pages to the end whatever the count says."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        self.count, self.count_exact = capped_count(queryset)
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        self.has_more = len(rows) > self.limit
        return rows[: self.limit]

    def get_next_link(self):
        if not self.has_more:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.count_exact
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "false: count is a floor (more than 10,000 cases), not the exact number",
        }
        return described
