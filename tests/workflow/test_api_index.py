"""``/api/`` and ``/api/v1/`` answer an index of the endpoints to signed-in callers."""

from workflow.roles import Role


def test_the_api_roots_list_the_endpoints(api, orgs, make_user):
    client = api(make_user("m1", Role.MEMBER, org=orgs.acme))
    for root in ("/api/", "/api/v1/"):
        r = client.get(root)
        assert r.status_code == 200, root
        body = r.json()
        paths = {e["path"] for e in body["endpoints"]}
        assert "/api/v1/inbox/" in paths and "/api/v1/examples/" in paths
        assert "/api/v1/examples/<int:pk>/transitions/" in paths
        assert "examples" in [p["key"] for p in body["processes"]] and body["docs"] == "/api/docs/"


def test_the_index_is_for_signed_in_callers(api, db):
    assert api().get("/api/v1/").status_code in (401, 403)
