"""Generated: every field of every endpoint, sent every kind of bad value, gets a 4xx in JSON, never a 500.

Generated over the registry (each registered process's creation and each of its transitions,
the throwaway ``tests/example_process`` included) and over the engine's own endpoints. Each
field in turn gets wrong types, numbers beyond 64 bits, -1, Unicode digits, a NUL, 100 KB of
text and floats, while the rest of the body stays as valid as the field types allow. The rule:
no answer is a server error; every error is JSON with a ``code``; a 400 names in ``fields`` the
field that was wrong whenever its value cannot be right for its type.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework import serializers

from workflow import registry, services
from workflow.audit import Actor, RequestMeta
from workflow.roles import Role

BAD_VALUES = {
    "object": {"a": 1},
    "list": [1, 2],
    "bool": True,
    "2**63": 2**63,
    "10**30": 10**30,
    "-1": -1,
    "2**63 as text": str(2**63),
    "superscript two": "²",
    "arabic-indic three": "٣",
    "nul": "a\x00b",
    "100 KB": "x" * 100_000,
    "float": 1.5,
    "float for int": 1.0,
}
ANSWERS = {200, 201, 202, 400, 403, 404, 405, 409, 413}


def sample(field):
    """A value the field's type accepts, so only the value under test is wrong (the field's own
    ``style["example"]`` where it declares one: a date in the past, a non-empty list)."""
    example = (getattr(field, "style", None) or {}).get("example")
    if example is not None:
        return example
    if getattr(field, "example", None) is not None:  # a field whose format its type does not say (an ID number)
        return field.example
    if isinstance(field, serializers.ChoiceField):
        first = next(iter(field.choices), "x")
        return [first] if isinstance(field, serializers.MultipleChoiceField) else first
    if isinstance(field, serializers.IntegerField):
        return max(field.min_value or 1, 1)
    if isinstance(field, serializers.DateTimeField):
        return (timezone.now() + dt.timedelta(days=30)).isoformat()
    if isinstance(field, serializers.DateField):
        return (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    if isinstance(field, serializers.BooleanField):
        return True
    if isinstance(field, serializers.ListField):
        return []
    return "示例文本 sample"


def cannot_be_right(field, value) -> bool:
    """Whether no field of this type could accept ``value`` (then a 400 must name the field)."""
    if isinstance(value, str) and "\x00" in value:
        return True
    if value is True and isinstance(field, serializers.BooleanField):
        return False
    if isinstance(field, serializers.ChoiceField) and not hasattr(field, "validate_choice_is_id"):
        if isinstance(field, serializers.MultipleChoiceField):
            return not isinstance(value, list)
        return isinstance(value, (dict, list)) or str(value) not in {str(c) for c in field.choices}
    if isinstance(field, serializers.IntegerField):
        low = field.min_value if field.min_value is not None else -(2**63)
        return not (isinstance(value, int) and not isinstance(value, bool) and low <= value < 2**63)
    if isinstance(field, (serializers.DateField, serializers.DateTimeField, serializers.BooleanField)):
        return True
    if isinstance(field, serializers.CharField):
        too_long = isinstance(value, str) and field.max_length is not None and len(value) > field.max_length
        return isinstance(value, (dict, list, bool)) or too_long
    return False


def input_fields(serializer_class, context=None) -> dict:
    if serializer_class is None:
        return {}
    return {name: f for name, f in serializer_class(context=context or {}).fields.items() if not f.read_only}


def check(response, *, field=None, value=None, fields=None):
    """The rule of this module, for one answer."""
    assert response.status_code in ANSWERS, (response.status_code, field, repr(value)[:60], response.content[:300])
    if response.status_code < 400:
        return
    body = response.json()
    assert body.get("code"), body
    if response.status_code == 400 and field in (fields or {}) and cannot_be_right(fields[field], value):
        assert field in body.get("fields", {}), (field, repr(value)[:60], body)


@pytest.fixture
def actor(orgs, make_user, term):
    """One person holding every role at ACME (and the federation's administration), so requests get
    past the role checks to the input."""
    roles = [Role.MEMBER, Role.REPRESENTATIVE, Role.UNION_COMMITTEE, Role.CHAIR, Role.ADMIN, (Role.ADMIN, orgs.fed)]
    return make_user("fuzz", *roles, org=orgs.acme, term=term)


@pytest.fixture
def cases(actor):
    """A case of every registered process, created from sample values of its creation fields."""
    result = {}
    for spec in registry.all_processes():
        data = {name: sample(f) for name, f in input_fields(spec.create_input).items() if f.required}
        data["organisation"] = "acme"
        result[spec.key] = services.create_case(process=spec.key, user=actor, data=data)
    return result


def body_with(fields: dict, name: str, value) -> dict:
    body = {n: sample(f) for n, f in fields.items() if f.required}
    body[name] = value
    return body


# --- every registered process ----------------------------------------------------------


@pytest.mark.parametrize("spec", registry.all_processes(), ids=lambda s: s.key)
def test_create_of_every_process_answers_every_bad_value_in_json(actor, api, spec):
    fields = input_fields(spec.create_input)
    fields["organisation"] = serializers.CharField(max_length=40)
    client = api(actor)
    for name in fields:
        for value in BAD_VALUES.values():
            body = {**body_with(fields, name, value), **({"organisation": "acme"} if name != "organisation" else {})}
            check(client.post(f"/api/v1/{spec.key}/", body, format="json"), field=name, value=value, fields=fields)


@pytest.mark.parametrize("spec", registry.all_processes(), ids=lambda s: s.key)
def test_every_transition_answers_every_bad_value_in_json(actor, api, cases, spec):
    """Over HTTP (the state may refuse first) and straight through each input, with the case as context."""
    case = cases[spec.key]
    client = api(actor)
    for tspec in spec.transitions.values():
        ctx = services.TransitionContext(
            case=case, spec=tspec, process=spec, actor=Actor(user=actor, role=Role.CHAIR), data={},
            now=timezone.now(), meta=RequestMeta(),
        )
        context = {"case": case, "user": actor, "ctx": ctx}
        fields = input_fields(tspec.input, context)
        url = f"/api/v1/{spec.key}/{case.pk}/transitions/{tspec.name}/"
        for value in BAD_VALUES.values():
            check(client.post(url, {"expected_version": value}, format="json"))
            for name in fields:
                body = body_with(fields, name, value)
                check(client.post(url, body, format="json"), field=name, value=value, fields=fields)
                if "\x00" in str(value):
                    continue  # refused before any serializer sees it (the API's NUL check)
                serializer = tspec.input(data=body, context=context)
                valid = serializer.is_valid()  # raises nothing, whatever the value
                if cannot_be_right(fields[name], value):
                    assert not valid and name in serializer.errors, (tspec.name, name, repr(value)[:60])


PATH_IDS = ["9223372036854775808", "1" + "0" * 30, "0", "-1", "²", "٣", "1.5", "abc"]


@pytest.mark.parametrize("spec", registry.all_processes(), ids=lambda s: s.key)
def test_case_endpoints_answer_bad_ids_and_parameters_in_json(actor, api, cases, spec):
    client = api(actor)
    case = cases[spec.key]
    for bad in PATH_IDS:
        for tail in ("", "transitions/", "history/", "transitions/submit/"):
            check(client.get(f"/api/v1/{spec.key}/{bad}/{tail}"))
        for action in ("claim", "release", "reassign", "restricted"):
            check(client.post(f"/api/v1/{spec.key}/{bad}/{action}/", {}, format="json"))
    for value in BAD_VALUES.values():
        for param in ("organisation", "state", "search", "limit", "offset"):
            check(client.get(f"/api/v1/{spec.key}/", {param: str(value)}))
        for action in ("claim", "release", "reassign"):
            check(client.post(f"/api/v1/{spec.key}/{case.pk}/{action}/", {"user": value, "to": value}, format="json"))
        rule = "x" if not isinstance(value, str) else value[:50].replace("\x00", "")
        for path in (f"deadlines/{rule or 'x'}/extend/", f"deadlines/{rule or 'x'}/extension-requests/"):
            body = {"days": value, "reason": value}
            check(client.post(f"/api/v1/{spec.key}/{case.pk}/{path}", body, format="json"))


# --- the engine's endpoints ----------------------------------------------------------------

#: (method, path, {field: sample value}) — bodies are JSON; each field is made bad in turn.
ENGINE_BODIES = [
    ("put", "/api/v1/notifications/preferences/", {"email_enabled": True}),
    ("post", "/api/v1/delegations/", {
        "delegate": "fuzz", "organisation": "acme", "role": Role.CHAIR, "ends_at": "2030-01-01T00:00:00+08:00",
        "starts_at": "2029-01-01T00:00:00+08:00", "reason": "出差"}),
    ("post", "/api/v1/audit-exports/", {"organisation": "acme", "date_from": "2026-01-01", "date_to": "2026-01-31"}),
    ("post", "/api/v1/deadline-rules/proposal.reply/override/", {"organisation": "acme", "n": 10}),
    ("post", "/api/v1/calendar/", {"notice": "通知", "year": 2027, "source_url": "https://www.gov.cn/", "dry_run": True}),
    ("post", "/api/v1/calendar/", {"arrangement": {}, "csv": "", "source": "x", "dry_run": True}),
    ("post", "/api/v1/votes/1/ballot/", {"choice": "yes"}),
    ("post", "/api/v1/votes/1/tally/", {"present": 1, "yes": 1, "no": 0, "abstain": 0, "invalid": 0}),
    ("post", "/api/v1/extension-requests/1/consent/", {}),
    ("post", "/api/v1/extension-requests/1/decline/", {"reason": "不同意"}),
    ("post", "/api/v1/documents/1/sign/", {"role": "x", "method": "password", "password": "p", "scan_id": 1}),
]
ENGINE_QUERIES = [
    ("/api/v1/inbox/", ("limit",)),
    ("/api/v1/notifications/", ("unread", "limit", "offset")),
    ("/api/v1/delegations/", ("active", "limit", "offset")),
    ("/api/v1/audit-exports/", ("limit", "offset")),
    ("/api/v1/documents/", ("process", "case")),
    ("/api/v1/votes/", ("status", "limit", "offset")),
    ("/api/v1/deadline-rules/", ("organisation",)),
    ("/api/v1/calendar/", ()),
    ("/api/v1/proposals/report/", ("organisation", "term", "export")),
]
ENGINE_PATHS = [
    "/api/v1/notifications/{}/read/", "/api/v1/documents/{}/", "/api/v1/documents/{}/content/",
    "/api/v1/documents/{}/diff/1/", "/api/v1/votes/{}/", "/api/v1/votes/{}/close/", "/api/v1/delegations/{}/end/",
    "/api/v1/audit-exports/{}/", "/api/v1/audit-exports/{}/download/", "/api/v1/calendar/{}/",
    "/api/v1/extension-requests/{}/withdraw/",
]


@pytest.mark.parametrize("method,path,good", ENGINE_BODIES, ids=[p for _m, p, _g in ENGINE_BODIES])
def test_engine_bodies_answer_every_bad_value_in_json(actor, api, method, path, good):
    client = api(actor)
    fields = {name: serializers.Field() for name in good}  # the field types are the endpoint's own business
    for name in good:
        for value in BAD_VALUES.values():
            body = {**good, name: value}
            check(getattr(client, method)(path, body, format="json"), field=name, value=value, fields=fields)


@pytest.mark.parametrize("path,params", ENGINE_QUERIES, ids=[p for p, _ in ENGINE_QUERIES])
def test_engine_queries_answer_every_bad_value_in_json(actor, api, path, params):
    client = api(actor)
    for name in (*params, "limit"):
        for value in BAD_VALUES.values():
            response = client.get(path, {name: str(value)})
            check(response)
            if response.status_code == 400 and name in params and name in ("limit", "unread", "active"):
                assert name in response.json().get("fields", {}), (path, name, response.json())


@pytest.mark.parametrize("template", ENGINE_PATHS)
def test_engine_paths_answer_bad_ids_in_json(actor, api, template):
    client = api(actor)
    for bad in PATH_IDS:
        check(client.get(template.format(bad)))
        check(client.post(template.format(bad), {}, format="json"))


def test_document_upload_fields_answer_every_bad_value_in_json(actor, api, cases, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = api(actor)
    good = {"process": "examples", "case": str(cases["examples"].pk), "name": "note.txt", "previous": ""}
    for name in good:
        for value in BAD_VALUES.values():
            data = {**good, name: str(value), "file": SimpleUploadedFile("note.txt", b"hello")}
            response = client.post("/api/v1/documents/", data, format="multipart")
            check(response)
            if response.status_code == 400 and name == "previous":
                assert "previous" in response.json()["fields"], response.json()
