"""Old import paths of modules that moved, kept working without a file at the old path.

``import workflow.timers`` (or ``from workflow.calendar.rules import get_rule``) returns the very module
object now at its new path, so ``mock.patch("workflow.timers.…")`` patches the code that runs. No stub file
is left at an old path: git then sees each move as a rename and carries edits made to the old file over.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

MOVED = {
    "workflow.timers": "workflow.deadlines.timers",
    "workflow.extensions": "workflow.deadlines.extensions",
    "workflow.extension_requests": "workflow.deadlines.extension_requests",
    "workflow.calendar.rules": "workflow.deadlines.rules",
}


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers an old module path with the module at its new path."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module):
        """The module ran at its new path already."""


def install() -> None:
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedModuleFinder())
