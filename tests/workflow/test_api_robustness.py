"""No input ever causes a 500: arbitrary JSON bodies against create and every transition.

Property: whatever a client sends, the API answers with one of the documented statuses
(400 bad input, 403, 404, 409, or success) and a JSON body with a stable ``code`` on
error.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflow import registry, services
from workflow.roles import Role

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["organisation", "title", "body", "category", "amount", "reason", "cosigners", "into", "rating", "comment",
     "lead_department", "co_departments", "due_date", "text", "classification", "attachments", "expected_version"]
)
bodies = st.dictionaries(field_names, json_values, max_size=6) | json_values

ALLOWED = {200, 201, 400, 403, 404, 409}
HYPO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def author(orgs, make_user, term):
    return make_user("fuzz_rep", Role.REPRESENTATIVE, Role.MEMBER, Role.UNION_COMMITTEE, org=orgs.acme, term=term)


def check(response):
    assert response.status_code in ALLOWED, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert "code" in response.json()


@HYPO
@given(body=bodies, process=st.sampled_from(["examples", "proposals"]))
def test_create_never_fails_with_500(author, api, body, process):
    check(api(author).post(f"/api/v1/{process}/", body, format="json"))


@HYPO
@given(body=bodies, name=st.sampled_from(sorted({t for spec in registry.all_processes() for t in spec.transitions})))
def test_transitions_never_fail_with_500(author, api, body, name):
    case = services.create_case(
        process="examples", user=author, data={"organisation": "acme", "title": "Fuzz", "amount": 1}
    )
    for process, case_id in (("examples", case.pk), ("proposals", 999999)):
        check(api(author).post(f"/api/v1/{process}/{case_id}/transitions/{name}/", body, format="json"))


@HYPO
@given(raw=st.binary(max_size=200))
def test_malformed_bodies_are_400(author, api, raw):
    response = api(author).generic(
        "POST", "/api/v1/examples/", raw, content_type="application/json"
    )
    check(response)


@pytest.mark.parametrize("value", [2**70, -1, "99999999999999999999999", "acme\x00", ""])
def test_out_of_range_identifiers_are_clean_errors(author, api, value):
    check(api(author).post("/api/v1/examples/", {"organisation": value, "title": "x", "amount": 1}, format="json"))
    check(api(author).get("/api/v1/examples/99999999999999999999999/"))
    check(api(author).post("/api/v1/examples/99999999999999999999999/transitions/submit/", {}, format="json"))
    check(api(author).get("/api/v1/examples/", {"organisation": str(value), "state": str(value), "search": str(value)}))


ENGINE_ENDPOINTS = [
    ("get", "/api/v1/inbox/"),
    ("get", "/api/v1/notifications/"),
    ("post", "/api/v1/notifications/99999999999999999999999/read/"),
    ("get", "/api/v1/documents/"),
    ("post", "/api/v1/documents/"),
    ("get", "/api/v1/votes/"),
    ("post", "/api/v1/votes/99999999999999999999999/ballot/"),
    ("get", "/api/v1/delegations/"),
    ("post", "/api/v1/delegations/"),
    ("get", "/api/v1/deadline-rules/"),
    ("get", "/api/v1/calendar/2026/"),
    ("post", "/api/v1/calendar/"),
    ("post", "/api/v1/deadline-rules/proposal.reply/override/"),
    ("get", "/api/v1/proposals/report/"),
    ("post", "/api/v1/examples/1/restricted/"),
    ("post", "/api/v1/examples/1/reassign/"),
]


@pytest.mark.parametrize("method,url", ENGINE_ENDPOINTS)
@pytest.mark.parametrize("junk", ["\x00", "99999999999999999999999", "-5", "x" * 500])
def test_engine_endpoints_answer_junk_without_500(author, api, method, url, junk):
    params = {k: junk for k in ("process", "case", "organisation", "unread", "active", "term", "state")}
    body = {k: junk for k in ("choice", "username", "role", "organisation", "delegate", "fields", "process", "case",
                              "n", "notice", "year", "source_url")}
    client = api(author)
    response = client.get(url, params) if method == "get" else client.post(f"{url}?process={junk}", body, format="json")
    check(response)
