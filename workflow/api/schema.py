"""The OpenAPI description, generated from the code that serves the API.

Three rules keep the published schema true:

- every operation lists the error answers it can give, all of one shape (:class:`ErrorSerializer`,
  what :func:`workflow.api.errors.exception_handler` writes);
- a process's creation and each of its transitions are typed by the **same input serializers the
  service validates with** (the registry's ``create_input`` and ``TransitionSpec.input``): one
  operation per transition, so a client sees what ``assign`` needs and ``merge`` needs;
- lists say how they answer: paginated (``count``/``next``/``previous``/``results``) or a plain array.
"""

from __future__ import annotations

from functools import cache

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .. import registry

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ErrorSerializer(serializers.Serializer):
    """Every 4xx/5xx answer of the API: a stable ``code``, a human ``detail``, and, when known,
    the input ``fields`` at fault (field → messages) and the ``rule`` that refused."""

    code = serializers.CharField(help_text="稳定的错误代码 Stable error code, e.g. invalid, not_found, guard_failed")
    detail = serializers.CharField(help_text="说明 Human-readable explanation (zh-Hans and English)")
    fields = serializers.DictField(
        required=False, child=serializers.JSONField(), help_text="字段 → 错误信息 Field name → its messages"
    )
    rule = serializers.CharField(required=False, help_text="拒绝所依据的规则 The rule that refused the action")

    class Meta:
        ref_name = "Error"


#: Which errors an operation can answer, and why (the description shown with each).
ERROR_DESCRIPTIONS = {
    "400": "输入有误 Invalid input: ``fields`` names each field at fault",
    "401": "未登录 Not authenticated",
    "403": "无权操作 Forbidden: the caller's roles do not allow it",
    "404": "未找到 Not found, or outside the caller's scope",
    "409": "与当前状态冲突 Conflicts with the current state, a rule (``rule``) or a newer version",
    "413": "请求体过大 The request body is over the size limit",
    "429": "请求过于频繁 Too many requests: try again after ``Retry-After`` seconds",
    "503": "系统繁忙 The database is busy (code ``busy``): nothing was changed; try again after ``Retry-After`` seconds",
}


def error_codes(*, method: str, public: bool, has_path_parameters: bool, has_input: bool) -> list[str]:
    """The error statuses of one operation.

    Every authenticated operation may answer 401 (no credentials) and 403 (no role); an object
    named in the path, or in a write's body, may be missing or out of scope (404); input, in the
    body or the query, may be invalid (400); a write may conflict with the state, a guard or a
    newer version (409). A write's body may be over the size limit (413); any request may be
    throttled (429). Any request may find the database busy (503, nothing written: the embedded
    SQLite default under concurrent writers, see ``workflow.db_busy``).
    """
    codes = []
    if has_input or method in UNSAFE_METHODS:
        codes.append("400")
    if not public:
        codes += ["401", "403"]
    if has_path_parameters or method in UNSAFE_METHODS:
        codes.append("404")
    if method in UNSAFE_METHODS and not public:
        codes.append("409")
    if method in UNSAFE_METHODS:
        codes.append("413")
    codes += ["429", "503"]
    return codes


class UnionflowAutoSchema(AutoSchema):
    """Adds the shared error answers to every operation (unless it documents its own)."""

    def _resolve_path_parameters(self, variables):
        # ``<int:…>`` routes match digits only: a negative id never reaches a view.
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"]["minimum"] = 0
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        parameters = self._get_parameters()
        codes = error_codes(
            method=self.method,
            public=public,
            has_path_parameters=any(p.get("in") == "path" for p in parameters),
            has_input=self.method in UNSAFE_METHODS or any(p.get("in") == "query" for p in parameters),
        )
        for code in codes:
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses


def error_responses(*codes: str) -> dict:
    """``responses=`` entries for errors an operation answers beyond :func:`error_codes`'s
    (e.g. a 404 for a case named in the query)."""
    return {int(code): OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]) for code in codes}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1}]})
class OrganisationRefField(serializers.Field):
    """An organisation by id or by code (the service accepts either)."""


@cache
def create_body(process_key: str) -> type[serializers.Serializer]:
    """The creation body of a process: its ``create_input`` plus the organisation to create in."""
    spec = registry.get(process_key)
    bases = (spec.create_input,) if spec.create_input is not None else (serializers.Serializer,)
    attrs = {
        "organisation": OrganisationRefField(
            help_text="组织编号或代码（须在其中有提交角色）Organisation id or code (where the caller may create)"
        ),
        "__doc__": f"Creates a {process_key} case.",
    }
    return type(f"{_camel(process_key)}CreateRequest", bases, attrs)


@cache
def transition_body(process_key: str, name: str) -> type[serializers.Serializer]:
    """The body of one transition: its input serializer's fields plus the optional
    ``expected_version`` (refused with 409 when the case has moved on)."""
    tspec = registry.get(process_key).transition(name)
    bases = (tspec.input,) if tspec.input is not None else (serializers.Serializer,)
    attrs = {
        "expected_version": serializers.IntegerField(
            required=False, min_value=0,
            help_text="客户端所见的案件版本 The case version the client saw; 409 stale_version when it changed",
        ),
        "__doc__": str(tspec.description or tspec.label),
    }
    return type(f"{_camel(process_key)}{_camel(name)}Request", bases, attrs)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="提交的值 The value to send")
    label = serializers.CharField()


class FieldDescriptionSerializer(serializers.Serializer):
    """One input field of a transition, as the case page's form shows it."""

    name = serializers.CharField()
    type = serializers.CharField(help_text="char, choice, multiplechoice, list, integer, date, boolean…")
    required = serializers.BooleanField()
    label = serializers.CharField()
    choices = ChoiceSerializer(
        many=True, required=False,
        help_text="可选项，按本案计算（与页面表单相同）Choices for this case, exactly as the page's form offers them",
    )
    help_text = serializers.CharField(required=False)


class AvailableTransitionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    fields = FieldDescriptionSerializer(many=True)
    blocked = serializers.CharField(
        allow_null=True, help_text="Why a guard would refuse this action now (a 409), or null: the case page shows "
        "the action disabled with this reason.",
    )


class CaseTransitionsSerializer(serializers.Serializer):
    """What the caller may do on the case now, with each action's form."""

    version = serializers.IntegerField()
    state = serializers.CharField()
    transitions = AvailableTransitionSerializer(many=True)


class OrganisationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    """A case as every process shows it; each process adds its own fields (not listed here)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    process = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    organisation = OrganisationBriefSerializer()
    version = serializers.IntegerField()
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    deadlines = serializers.ListField(child=serializers.DictField())


#: A JSON object whose properties are not listed (a process's own representation).
OPEN_OBJECT = {"type": "object", "additionalProperties": {}}


def array_of(item_schema: dict) -> dict:
    """``responses=`` for an endpoint answering a plain (not paginated) JSON array."""
    return {200: {"type": "array", "items": item_schema}}


class ProcessAutoSchema(UnionflowAutoSchema):
    """The same views serve every process: operations are named and typed after the process,
    and each transition is its own operation with its own body."""

    def _process_key(self) -> str:
        return getattr(self.view, "process_key", "") or ""

    def _transition_name(self) -> str:
        return getattr(self.view, "transition_name", "") or ""

    def _operation(self) -> str:
        return getattr(type(self.view), "schema_operation", "case")

    def is_excluded(self) -> bool:
        # The route with a free transition name only refuses names outside the registry;
        # every real transition is documented on its own path.
        return self._operation() == "perform" and not self._transition_name()

    def get_operation_id(self):
        process_key = self._process_key() or "case"
        if self._transition_name():
            return f"{process_key}_transition_{self._transition_name()}"
        return f"{process_key}_{self._operation()}_{self.method.lower()}"

    def get_tags(self):
        return [self._process_key() or "cases"]

    def get_summary(self):
        spec = registry.get(self._process_key())
        tspec = spec.transition(self._transition_name()) if spec and self._transition_name() else None
        return str(tspec.label) if tspec is not None else super().get_summary()

    def get_description(self):
        spec = registry.get(self._process_key())
        tspec = spec.transition(self._transition_name()) if spec and self._transition_name() else None
        return str(tspec.description or "") if tspec is not None else super().get_description()

    def get_request_serializer(self):
        if self._transition_name():
            return transition_body(self._process_key(), self._transition_name())
        if self._operation() == "list" and self.method == "POST" and registry.get(self._process_key()):
            return create_body(self._process_key())
        return super().get_request_serializer()


#: The query parameters of a limit/offset page (``LimitOffsetPagination``).
PAGE_PARAMETERS = [
    OpenApiParameter("limit", int, description="每页条数 Items per page"),
    OpenApiParameter("offset", int, description="跳过的条数 Items to skip"),
]


def page_of(serializer_class, name: str, **extra_fields) -> type[serializers.Serializer]:
    """A limit/offset page of ``serializer_class`` items, as ``LimitOffsetPagination`` answers
    (``count``, ``next``, ``previous``, ``results``), plus any ``extra_fields`` the view adds."""
    attrs = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
        **extra_fields,
    }
    return type(name, (serializers.Serializer,), attrs)
