"""Running ``manage.py audit_verify`` from a test, as an auditor runs it."""

from io import StringIO

from django.core.management import call_command


def run_verify(*args) -> tuple[int, str, str]:
    """``(exit status, stdout, stderr)`` of ``audit_verify`` with ``args``."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()
