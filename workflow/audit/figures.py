"""What a dashboard figure is, and whose figures are read: the types a process's ``dashboard.py`` returns
and receives (:data:`workflow.registry.DashboardHook`). Kept apart from :mod:`.dashboard`, which reads the
registry, so the registry can name these types without an import circle."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone


@dataclass
class Figure:
    """One chart with its data table: ``rows`` of ``columns``; the last column is what the bars show."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)

    @property
    def peak(self):
        return max((row[-1] for row in self.rows if isinstance(row[-1], (int, float))), default=0) or 1

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": list(self.columns), "rows": [list(r) for r in self.rows]}


@dataclass(frozen=True)
class Scope:
    """Whose figures: the organisations read, and the moment "overdue" is measured at."""

    organisation_ids: frozenset
    now: object

    def cases(self, spec):
        return spec.model.objects.filter(organisation_id__in=self.organisation_ids)

    @property
    def today(self):
        """The local date at ``now`` (a contract expiring "within 90 days" counts from it)."""
        return timezone.localtime(self.now).date()


def percent(part, whole) -> float | None:
    """``part`` of ``whole`` in %, one decimal; None when there is nothing to divide by."""
    return round(100.0 * float(part) / float(whole), 1) if whole else None
