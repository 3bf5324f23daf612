#!/usr/bin/env python
"""The long schemathesis run: every demo role, every operation of every process, stateful.

    .venv/bin/python bench/fuzz_long.py [--max-time 300]

Serves its own demo-scale PostgreSQL database ``uf_bench_fuzz`` with gunicorn (``bench/live.py``)
and runs ``schemathesis run`` once per demo role — one account for each role the demo has — over
the schema that role is served (``/api/schema/``), with every phase (examples, coverage, fuzzing,
and stateful sequences chained through the links schemathesis infers from ``Location`` headers
and from the schema's own ids) and every check, for ``--max-time`` seconds per role. Reports
server errors and schema violations (status, content type, headers and body against the schema)
separately from the other checks, per role, to ``bench/results/fuzz_long.json``, with the replay
command of each distinct failure. Target: 0 server errors, 0 schema violations.

The test suite's short run (``tests/workflow/test_api_fuzz.py``: three roles, three examples per
operation, in process) stays the gate for every change; this one is for the weeks between.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, db_name, save  # noqa: E402
from bench.live import call, prepare_database, server_env, start_server, stop_server, tokens  # noqa: E402

#: One demo account per role (workflow/demo.py DEMO_USERS).
ROLES = {
    "representative": "rep1", "member": "member1", "review_committee": "review1", "department": "dept1",
    "chair": "chair", "union_committee": "committee1", "verifier": "visitor1", "finance": "finance1",
    "mediator": "mediator1", "employer_rep": "employer1", "aid_centre": "fedchair", "auditor": "auditor1",
    "admin": "admin",
}
SERVER_ERROR = {"not_a_server_error"}
SCHEMA_VIOLATIONS = {"status_code_conformance", "content_type_conformance", "response_headers_conformance",
                     "response_schema_conformance"}
# As in the short run: whether a department belongs to this organisation or a username is a
# representative of this term is the service's to say (400 naming the field), not the schema's.
CONFIG = """\
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]
"""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=database_url("uf_bench_fuzz"))
    p.add_argument("--max-time", type=int, default=300, help="seconds per role")
    p.add_argument("--role", action="append", help="only these roles (repeatable)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--port", type=int, default=18291)
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--results-dir", default=None)
    return p.parse_args(argv)


def run_role(base: str, role: str, token: str, work: Path, args) -> dict:
    schema = work / f"{role}.schema.json"
    schema.write_text(json.dumps(call(base, "/api/schema/?format=json", token)))
    report = work / role
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "schemathesis"), "--config-file", str(work / "schemathesis.toml"), "run",
         str(schema), "--url", base, "-H", f"Authorization: Token {token}", "--checks", "all",
         "--phases", "examples,coverage,fuzzing,stateful", "--max-time", str(args.max_time), "--seed", str(args.seed),
         "--report", "ndjson", "--report-dir", str(report), "--no-color", "--request-timeout", "60"],
        cwd=work, capture_output=True, text=True,  # its example database (.schemathesis/) stays in the run's directory
    )
    (work / f"{role}.out").write_text(done.stdout + done.stderr)
    return summarise(report, done.returncode)


def summarise(report_dir: Path, returncode: int) -> dict:
    """Failures per check kind and status counts from schemathesis's event stream."""
    checks: Counter = Counter()
    statuses: Counter = Counter()
    distinct: dict[str, str] = {}
    for path in report_dir.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            for kind, body in event.items():
                if kind != "ScenarioFinished":
                    continue
                for interaction in (body.get("recorder") or {}).get("interactions", {}).values():
                    response = interaction.get("response") or {}
                    if response.get("status_code"):
                        statuses[f"{response['status_code'] // 100}xx"] += 1
                for check in (body.get("recorder") or {}).get("checks", {}).values():
                    for result in check:
                        if str(result.get("status")).lower() == "failure":
                            checks[result["name"]] += 1
                            info = result.get("failure_info") or {}
                            title = (info.get("failure") or {}).get("title") or json.dumps(info)[:300]
                            distinct.setdefault(f"{body.get('recorder', {}).get('label')} {result['name']}: {title}",
                                                info.get("code_sample", ""))
    return {
        "server_errors": sum(n for name, n in checks.items() if name in SERVER_ERROR),
        "schema_violations": sum(n for name, n in checks.items() if name in SCHEMA_VIOLATIONS),
        "other_check_failures": {name: n for name, n in checks.items() if name not in SERVER_ERROR | SCHEMA_VIOLATIONS},
        "responses": dict(statuses), "distinct_failures": distinct, "schemathesis_exit": returncode,
    }


def main(argv=None) -> dict:
    args = parse_args(argv)
    db_name(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="uf-fuzz-"))
    (work / "schemathesis.toml").write_text(CONFIG)
    env = server_env(args.database_url, work / "var")
    prepare_database(args.database_url, "demo", env)
    server = start_server(env, args.workers, args.port, work / "gunicorn.log")
    base = f"http://127.0.0.1:{args.port}"
    roles = {r: ROLES[r] for r in (args.role or ROLES)}
    results = {}
    try:
        keys = tokens(base, roles.values())
        for role, account in roles.items():
            results[role] = {"account": account, **run_role(base, role, keys[account], work, args)}
            r = results[role]
            print(f"{role:18} {account:10} server errors {r['server_errors']:4}  schema violations "
                  f"{r['schema_violations']:4}  other {sum(r['other_check_failures'].values()):4}  responses {r['responses']}",
                  flush=True)
    finally:
        stop_server(server)
    figures = {
        "command": "bench/fuzz_long.py" + (f" --max-time {args.max_time}" if args.max_time != 300 else ""),
        "max_time_per_role_s": args.max_time, "seed": args.seed, "roles": results,
        "server_errors": sum(r["server_errors"] for r in results.values()),
        "schema_violations": sum(r["schema_violations"] for r in results.values()),
        "target": {"server_errors": 0, "schema_violations": 0}, "work_dir": str(work),
    }
    figures["met"] = figures["server_errors"] == 0 and figures["schema_violations"] == 0
    save("fuzz_long", figures, results_dir=args.results_dir)
    return figures


if __name__ == "__main__":
    main()
