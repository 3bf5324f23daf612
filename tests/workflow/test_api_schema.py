"""The OpenAPI schema: served, and one distinct operation per process endpoint."""

import yaml

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
