"""B2 and the long schemathesis run read their tools' reports right (no server, no time asserted).

Both benchmarks need a live gunicorn and minutes of load, so the suite checks the parts that turn
locust's CSV and schemathesis's event stream into the figures of ``docs/benchmarks.md``: a
server error or schema violation in a report must be counted, never silently read as zero.
"""

import json

from bench import b2_http, fuzz_long

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,inbox,100,2,30,35,10,400,900,5.5,0.1,30,32,34,36,40,60,90,120,400,400,400
,Aggregated,150,3,31,36,10,400,900,8.2,0.2,31,33,35,37,41,65,95,130,400,400,400
"""
FAILURES = """Method,Name,Error,Occurrences
GET,inbox,HTTPError('500 Server Error'),2
"""


def test_b2_reads_percentiles_and_errors_per_request_and_overall(tmp_path):
    (tmp_path / "b2_stats.csv").write_text(STATS)
    (tmp_path / "b2_failures.csv").write_text(FAILURES)
    stats = b2_http.read_stats(tmp_path / "b2")
    assert stats["by_request"]["inbox"] == {
        "requests": 100, "errors": 2, "p50_ms": 30.0, "p95_ms": 60.0, "p99_ms": 120.0, "max_ms": 400.0,
        "requests_per_s": 5.5,
    }
    assert stats["by_request"]["all requests"]["errors"] == 3
    assert stats["failures"] == [{"request": "inbox", "error": "HTTPError('500 Server Error')", "count": 2}]


def scenario(label: str, checks: list[tuple[str, str]], statuses: list[int]) -> str:
    return json.dumps({"ScenarioFinished": {"recorder": {
        "label": label,
        "checks": {"case1": [{"name": name, "status": status} for name, status in checks]},
        "interactions": {f"i{n}": {"response": {"status_code": code}} for n, code in enumerate(statuses)},
    }}})


def test_the_long_run_counts_server_errors_and_schema_violations_apart(tmp_path):
    (tmp_path / "run.ndjson").write_text("\n".join([
        json.dumps({"Initialize": {"seed": 16}}),
        scenario("GET /api/v1/inbox/", [("not_a_server_error", "success"), ("response_schema_conformance", "success")],
                 [200]),
        scenario("GET /api/v1/documents/{id}/content/", [("not_a_server_error", "failure"),
                                                          ("status_code_conformance", "failure")], [500]),
        scenario("GET /api/v1/delegations/", [("negative_data_rejection", "failure")], [200, 404]),
    ]))
    summary = fuzz_long.summarise(tmp_path, 1)
    assert (summary["server_errors"], summary["schema_violations"]) == (1, 1)
    assert summary["other_check_failures"] == {"negative_data_rejection": 1}
    assert summary["responses"] == {"2xx": 2, "5xx": 1, "4xx": 1}
    assert len(summary["distinct_failures"]) == 3
