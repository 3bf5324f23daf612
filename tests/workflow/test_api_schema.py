"""The OpenAPI schema: served, and one distinct operation per process endpoint."""

import pytest
import yaml
from django.core.management import call_command

from workflow import registry


def test_schema_names_each_process_operation_once(orgs, make_user, api):
    user = make_user("reader", "member", org=orgs.acme)
    r = api(user).get("/api/schema/")
    assert r.status_code == 200
    schema = yaml.safe_load(r.content)
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values() if "operationId" in op]
    assert len(operation_ids) == len(set(operation_ids))
    for spec in registry.all_processes():
        for name, tspec in spec.transitions.items():
            path = f"/api/v1/{spec.key}/{{id}}/transitions/{name}/"
            assert (path in schema["paths"]) == (not tspec.system_only), path
            if not tspec.system_only:
                assert schema["paths"][path]["post"]["operationId"] == f"{spec.key}_transition_{name}"


def test_process_own_endpoints_are_mounted(orgs, make_user, api, term):
    """A process's own routes (here the proposals session report) answer in the real URL map."""
    chair = make_user("chair_x", "chair", org=orgs.acme)
    r = api(chair).get("/api/v1/proposals/report/?organisation=acme")
    assert r.status_code == 200, r.content
    r = api(chair).get("/api/v1/proposals/report/")
    assert r.status_code == 400 and "organisation" in r.json()["fields"]
    assert api().get("/api/v1/proposals/report/").status_code == 401


@pytest.fixture
def schema(orgs, make_user, api):
    r = api(make_user("reader", "member", org=orgs.acme)).get("/api/schema/?format=json")
    assert r.status_code == 200
    return r.json()


def body_schema(schema, operation) -> dict:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def writable(serializer_class) -> dict[str, bool]:
    """Field name → required, as the service validates the input (no case known)."""
    if serializer_class is None:
        return {}
    return {name: f.required for name, f in serializer_class().fields.items() if not f.read_only}


def test_each_transition_body_is_its_input_serializer(schema):
    """Generated over the registry: a transition's documented body has exactly the fields its
    input serializer validates, required where the serializer requires them, plus the optional
    ``expected_version``."""
    for spec in registry.all_processes():
        for name, tspec in spec.transitions.items():
            if tspec.system_only:
                continue
            body = body_schema(schema, schema["paths"][f"/api/v1/{spec.key}/{{id}}/transitions/{name}/"]["post"])
            expected = {**writable(tspec.input), "expected_version": False}
            assert set(body.get("properties", {})) == set(expected), (spec.key, name)
            assert set(body.get("required", [])) == {f for f, required in expected.items() if required}, (spec.key, name)


def test_creation_body_is_the_create_input_and_the_organisation(schema):
    for spec in registry.all_processes():
        body = body_schema(schema, schema["paths"][f"/api/v1/{spec.key}/"]["post"])
        expected = {**writable(spec.create_input), "organisation": True}
        assert set(body["properties"]) == set(expected)
        assert set(body["required"]) == {f for f, required in expected.items() if required}


def test_every_error_answer_is_documented_with_the_one_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"429", "503"} <= codes, (method, path)  # throttled; the database busy
            if path != "/api/v1/auth/token/":
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put"):
                assert {"400", "409"} <= codes or path == "/api/v1/auth/token/", (method, path)
            for code, response in operation["responses"].items():
                if code >= "400":
                    assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "detail", "fields", "rule"} and set(error["required"]) == {"code", "detail"}


@pytest.mark.parametrize(
    "path", ["/api/v1/audit-exports/", "/api/v1/delegations/", "/api/v1/notifications/", "/api/v1/proposals/"]
)
def test_paginated_lists_are_documented_as_pages(schema, path):
    ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["type"] == "array"
    assert {"limit", "offset"} <= {p["name"] for p in schema["paths"][path]["get"]["parameters"]}


def test_extension_requests_are_documented_as_the_array_they_answer(schema):
    for spec in registry.all_processes():
        response = schema["paths"][f"/api/v1/{spec.key}/{{id}}/extension-requests/"]["get"]["responses"]["200"]
        assert response["content"]["application/json"]["schema"]["type"] == "array"


def test_documents_need_process_and_case(schema):
    for method in ("get", "post"):
        parameters = {p["name"]: p for p in schema["paths"]["/api/v1/documents/"][method]["parameters"]}
        assert parameters["process"]["required"] and parameters["case"]["required"]


def test_the_schema_is_valid_openapi_and_generated_without_warnings(tmp_path):
    """No operation id collides, no type falls back to a guess, and the document is valid OpenAPI."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
