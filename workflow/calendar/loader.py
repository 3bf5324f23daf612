"""Reading a year's holiday arrangement from JSON or CSV and storing it.

Used by the data migration (the shipped State Council calendars under ``fixtures/``)
and by ``manage.py calendar_import`` for later years. A file is checked completely
before anything is stored: a 调休 make-up working day must fall on a Saturday or
Sunday, a date appears once, and every date lies in (or just before) its year.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

HOLIDAY, WORKDAY = "holiday", "workday"
KIND_ALIASES = {
    "holiday": HOLIDAY, "放假": HOLIDAY, "休": HOLIDAY,
    "workday": WORKDAY, "上班": WORKDAY, "班": WORKDAY, "调休": WORKDAY,
}
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


class CalendarFileError(ValueError):
    """The file is not a valid holiday arrangement; nothing was stored."""


@dataclass
class YearArrangement:
    year: int
    source: str
    source_url: str = ""
    #: date -> (kind, holiday name)
    days: dict = field(default_factory=dict)

    def add(self, day: dt.date, kind: str, name: str) -> None:
        kind = KIND_ALIASES.get(str(kind).strip().lower(), "")
        if not kind:
            raise CalendarFileError(f"{day}: kind must be holiday or workday")
        if not str(name).strip():
            raise CalendarFileError(f"{day}: the holiday name is missing")
        # A make-up day for New Year may fall in the last days of the year before.
        if day.year not in (self.year, self.year - 1):
            raise CalendarFileError(f"{day}: outside the {self.year} arrangement")
        if kind == WORKDAY and day.weekday() < 5:
            raise CalendarFileError(f"{day}: a make-up working day must be a Saturday or Sunday")
        if day in self.days:
            raise CalendarFileError(f"{day}: listed twice")
        self.days[day] = (kind, str(name).strip()[:60])


def _date(value, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CalendarFileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def _year(value, where: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise CalendarFileError(f"{where}: {value!r} is not a year")
    if not 2000 <= year <= 2200:
        raise CalendarFileError(f"{where}: year {year} out of range")
    return year


def _arrangement_from_dict(obj) -> YearArrangement:
    if not isinstance(obj, dict):
        raise CalendarFileError("each arrangement must be a JSON object")
    year = _year(obj.get("year"), "year")
    source = str(obj.get("source") or "").strip()
    if not source:
        raise CalendarFileError(f"{year}: 'source' (the notice it comes from) is required")
    arrangement = YearArrangement(year=year, source=source[:300], source_url=str(obj.get("source_url") or ""))
    days = obj.get("days")
    if not isinstance(days, list) or not days:
        raise CalendarFileError(f"{year}: 'days' must be a non-empty list")
    for i, entry in enumerate(days):
        where = f"{year} days[{i}]"
        if not isinstance(entry, dict):
            raise CalendarFileError(f"{where}: must be an object")
        if "date" in entry:
            first = last = _date(entry["date"], where)
        else:
            first, last = _date(entry.get("from"), where), _date(entry.get("to"), where)
        if last < first or (last - first).days > 31:
            raise CalendarFileError(f"{where}: bad range {first}..{last}")
        day = first
        while day <= last:
            arrangement.add(day, entry.get("kind", ""), entry.get("name", ""))
            day += dt.timedelta(days=1)
    return arrangement


def parse_json(text: str) -> list[YearArrangement]:
    """One arrangement object (``year``, ``source``, ``days``) or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError(f"not valid JSON: {exc}")
    items = data if isinstance(data, list) else [data]
    result = [_arrangement_from_dict(obj) for obj in items]
    years = [a.year for a in result]
    if len(set(years)) != len(years):
        raise CalendarFileError("a year appears twice in the file")
    return result


def parse_csv(text: str, *, source: str, source_url: str = "") -> list[YearArrangement]:
    """Rows ``date,kind,name`` with an optional ``year`` column (default: the date's year)."""
    if not source.strip():
        raise CalendarFileError("a CSV file needs --source (the notice it comes from)")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"date", "kind", "name"} <= {f.strip() for f in reader.fieldnames}:
        raise CalendarFileError("the CSV header must contain date,kind,name")
    by_year: dict[int, YearArrangement] = {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        day = _date(row.get("date"), f"line {line}")
        year = _year(row["year"], f"line {line}") if row.get("year") else day.year
        arrangement = by_year.setdefault(year, YearArrangement(year=year, source=source[:300], source_url=source_url))
        try:
            arrangement.add(day, row.get("kind", ""), row.get("name", ""))
        except CalendarFileError as exc:
            raise CalendarFileError(f"line {line}: {exc}")
    if not by_year:
        raise CalendarFileError("the CSV file lists no days")
    return list(by_year.values())


def parse_file(path: str | Path, *, source: str = "", source_url: str = "") -> list[YearArrangement]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"cannot read {path}: {exc}")
    if path.suffix.lower() == ".csv":
        return parse_csv(text, source=source, source_url=source_url)
    return parse_json(text)


def store(arrangements: list[YearArrangement], *, year_model=None, day_model=None) -> list[int]:
    """Store the arrangements, each replacing what was stored for its year. Call inside a transaction.

    ``year_model``/``day_model`` let a data migration pass its historical models.
    """
    if year_model is None or day_model is None:
        from .models import CalendarDay, CalendarYear

        year_model, day_model = CalendarYear, CalendarDay
    for arrangement in arrangements:
        calendar, _created = year_model.objects.update_or_create(
            year=arrangement.year, defaults={"source": arrangement.source, "source_url": arrangement.source_url}
        )
        day_model.objects.filter(calendar=calendar).delete()
        # The newer notice wins for a date another year's notice also listed.
        day_model.objects.filter(date__in=list(arrangement.days)).delete()
        day_model.objects.bulk_create(
            [
                day_model(date=day, kind=kind, name=name, calendar=calendar)
                for day, (kind, name) in sorted(arrangement.days.items())
            ]
        )
    return [a.year for a in arrangements]


def shipped_arrangements() -> list[YearArrangement]:
    """The official calendars shipped with the project (``fixtures/cn_<year>.json``)."""
    result = []
    for path in sorted(FIXTURES_DIR.glob("cn_*.json")):
        result += parse_json(path.read_text(encoding="utf-8"))
    return result
