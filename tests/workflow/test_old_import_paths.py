"""Modules that moved into ``workflow.deadlines`` are still importable by their old paths, as the very same
module objects (so a patch through an old path reaches the code that runs)."""

import importlib

import pytest

from workflow.moved_modules import MOVED


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_an_old_path_is_the_module_at_its_new_path(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)


def test_from_imports_through_old_paths_work():
    from workflow.calendar import rules
    from workflow.calendar.rules import DeadlineRule, start_deadline
    from workflow.deadlines import (
        case_deadlines,
        close_deadline,
        end_of_day,
        extension_requests,
        extensions,
        open_deadline,
        set_deadline,
        store,
        timers,
    )
    from workflow.deadlines import rules as new_rules
    from workflow.extension_requests import deadline_extension_consent
    from workflow.extensions import deadline_extend
    from workflow.timers import sweep

    assert rules is new_rules
    assert (DeadlineRule, start_deadline) == (new_rules.DeadlineRule, new_rules.start_deadline)
    assert (case_deadlines, close_deadline, end_of_day, open_deadline, set_deadline) == (
        store.case_deadlines, store.close_deadline, store.end_of_day, store.open_deadline, store.set_deadline,
    )
    assert deadline_extension_consent is extension_requests.deadline_extension_consent
    assert deadline_extend is extensions.deadline_extend
    assert sweep is timers.sweep


def test_a_patch_through_an_old_path_reaches_the_moved_module(monkeypatch):
    import workflow.deadlines.timers as moved
    import workflow.timers as old

    monkeypatch.setattr("workflow.timers.KIND_EXPIRED", "patched")
    assert old.KIND_EXPIRED == moved.KIND_EXPIRED == "patched"


def test_the_package_re_exports_its_public_names():
    import workflow.deadlines as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name
