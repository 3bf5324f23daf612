"""The holiday calendar as data: shipped State Council arrangements, 调休, import, refusal."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from tests.support.db import ensure_calendar_loaded
from workflow.calendar.models import CalendarDay, CalendarYear
from workflow.calendar.working_days import (
    CalendarMissing,
    WorkCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
)

pytestmark = pytest.mark.django_db

D = dt.date

MAKE_UP_DAYS = [
    D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11),
    D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10),
]
HOLIDAY_RANGES = [
    (D(2025, 1, 1), D(2025, 1, 1)), (D(2025, 1, 28), D(2025, 2, 4)), (D(2025, 4, 4), D(2025, 4, 6)),
    (D(2025, 5, 1), D(2025, 5, 5)), (D(2025, 5, 31), D(2025, 6, 2)), (D(2025, 10, 1), D(2025, 10, 8)),
    (D(2026, 1, 1), D(2026, 1, 3)), (D(2026, 2, 15), D(2026, 2, 23)), (D(2026, 4, 4), D(2026, 4, 6)),
    (D(2026, 5, 1), D(2026, 5, 5)), (D(2026, 6, 19), D(2026, 6, 21)), (D(2026, 9, 25), D(2026, 9, 27)),
    (D(2026, 10, 1), D(2026, 10, 7)),
]


def _days(first, last):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def shipped_calendar(db):
    """The data migration loads 2025–2026; a transactional test elsewhere may have flushed it."""
    ensure_calendar_loaded()


def test_shipped_years_are_2025_and_2026_only():
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025, 2026]
    assert "国务院办公厅" in CalendarYear.objects.get(year=2026).source


@pytest.mark.parametrize("day", MAKE_UP_DAYS, ids=str)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day) is True


@pytest.mark.parametrize("first,last", HOLIDAY_RANGES, ids=lambda d: str(d))
def test_every_holiday_is_a_rest_day(first, last):
    assert [d for d in _days(first, last) if is_working_day(d)] == []
    # The day after the run is back at work: the boundary the calendar must get right.
    assert is_working_day(last + dt.timedelta(days=1)) is True


def test_plain_weekend_rests_and_plain_weekday_works():
    assert is_working_day(D(2025, 3, 8)) is False  # Saturday
    assert is_working_day(D(2025, 3, 10)) is True  # Monday
    assert is_working_day(D(2026, 10, 8)) is True  # Thursday after National Day


@pytest.mark.parametrize("year,expected", [(2025, 248), (2026, 248)])
def test_working_days_per_year(year, expected):
    # 261 weekdays, minus holidays on weekdays (2025: 18, 2026: 19), plus make-up days (5, 6).
    assert sum(is_working_day(d) for d in _days(D(year, 1, 1), D(year, 12, 31))) == expected


def test_next_working_day_rolls_past_national_day_and_holds_on_a_working_day():
    assert next_working_day(D(2025, 10, 1)) == D(2025, 10, 9)
    assert next_working_day(D(2025, 9, 30)) == D(2025, 9, 30)
    assert next_working_day(D(2026, 2, 15)) == D(2026, 2, 24)
    assert next_working_day(D(2026, 9, 19)) == D(2026, 9, 20)  # Saturday → the make-up Sunday


STATUTE_2027 = [
    (D(2027, 1, 1), D(2027, 1, 1)),  # 元旦 (Fri)
    (D(2027, 2, 5), D(2027, 2, 10)),  # 春节: Eve Fri 5 Feb, 6–8 Feb; Sat 6 and Sun 7 give Tue 9, Wed 10
    (D(2027, 4, 5), D(2027, 4, 5)),  # 清明节 (Mon)
    (D(2027, 5, 1), D(2027, 5, 4)),  # 劳动节 Sat 1, Sun 2 → Mon 3, Tue 4
    (D(2027, 6, 9), D(2027, 6, 9)),  # 端午节 (Wed)
    (D(2027, 9, 15), D(2027, 9, 15)),  # 中秋节 (Wed)
    (D(2027, 10, 1), D(2027, 10, 5)),  # 国庆节 Fri 1, Sat 2, Sun 3 → Mon 4, Tue 5
]


def test_a_year_without_its_notice_counts_on_the_statute_with_no_make_up_days():
    calendar = WorkCalendar()
    for first, last in STATUTE_2027:
        assert [d for d in _days(first, last) if calendar.is_working_day(d)] == [], (first, last)
        after = last + dt.timedelta(days=1)
        assert calendar.is_working_day(after) is (after.weekday() < 5)  # the run ends where the statute says
    # 13 statutory days and 6 in-lieu days; weekends are never worked before the notice says so.
    weekdays_off = sum(1 for f, t in STATUTE_2027 for d in _days(f, t) if d.weekday() < 5)
    assert sum(calendar.is_working_day(d) for d in _days(D(2027, 1, 1), D(2027, 12, 31))) == 261 - weekdays_off
    assert not any(calendar.is_working_day(d) for d in _days(D(2027, 1, 1), D(2027, 12, 31)) if d.weekday() >= 5)
    assert calendar.is_provisional(2027) and calendar.provisional_used
    assert not calendar.has_year(2027) and calendar.has_year(2026) and not calendar.is_provisional(2026)


def test_only_a_year_the_statute_cannot_give_refuses_loudly():
    assert add_working_days(D(2026, 12, 29), 3) == D(2027, 1, 4)  # 30, 31 Dec, (1 Jan rests, weekend), 4 Jan
    assert next_working_day(D(2024, 12, 31)) == D(2024, 12, 31)
    with pytest.raises(CalendarMissing) as info:
        is_working_day(D(2101, 3, 1))
    assert info.value.year == 2101 and info.value.code == "calendar_missing" and info.value.status == 409


def test_a_loaded_year_answers_from_its_notice_not_from_the_statute():
    # The statute alone would rest on Mon 4 May 2026 only; the notice adds Tue 5 May and works Sat 9 May.
    calendar = WorkCalendar()
    assert calendar.is_working_day(D(2026, 5, 5)) is False and calendar.is_working_day(D(2026, 5, 9)) is True
    assert calendar.provisional_used is False


def test_removing_a_year_falls_back_to_the_statute():
    CalendarYear.objects.filter(year=2025).delete()
    assert not CalendarDay.objects.filter(date__year=2025).exists()
    calendar = WorkCalendar()
    assert calendar.is_working_day(D(2025, 6, 3)) is True and calendar.provisional_used
    assert calendar.is_working_day(D(2025, 10, 11)) is False  # the notice's make-up Saturday is gone


# -- calendar_import ---------------------------------------------------------------------------

SAMPLE_2030 = {
    "year": 2030,
    "source": "测试用安排 Test arrangement",
    "days": [
        {"name": "春节", "kind": "holiday", "from": "2030-02-04", "to": "2030-02-08"},
        {"name": "春节", "kind": "workday", "date": "2030-02-09"},
    ],
}


def test_import_json_then_reimport_replaces(tmp_path, capsys):
    path = tmp_path / "cn_2030.json"
    path.write_text(json.dumps(SAMPLE_2030, ensure_ascii=False), encoding="utf-8")
    assert is_working_day(D(2030, 2, 9)) is False  # a Saturday, until the notice makes it a working day
    call_command("calendar_import", str(path))
    assert "2030: 5 holidays, 1 make-up working days" in capsys.readouterr().out
    assert is_working_day(D(2030, 2, 4)) is False and is_working_day(D(2030, 2, 9)) is True
    assert is_working_day(D(2030, 2, 11)) is True
    changed = dict(SAMPLE_2030, days=[{"name": "春节", "kind": "holiday", "from": "2030-02-04", "to": "2030-02-05"}])
    path.write_text(json.dumps(changed), encoding="utf-8")
    call_command("calendar_import", str(path))
    assert CalendarDay.objects.filter(calendar__year=2030).count() == 2
    assert is_working_day(D(2030, 2, 6)) is True and is_working_day(D(2030, 2, 9)) is False


def test_import_csv(tmp_path):
    path = tmp_path / "2031.csv"
    path.write_text("date,kind,name\n2031-10-01,holiday,国庆节\n2031-10-02,放假,国庆节\n2031-09-28,workday,国庆节\n")
    call_command("calendar_import", str(path), "--source", "测试 Test")
    assert is_working_day(D(2031, 10, 2)) is False and is_working_day(D(2031, 9, 28)) is True
    assert CalendarYear.objects.get(year=2031).source == "测试 Test"


@pytest.mark.parametrize(
    "content,suffix,message",
    [
        ("date,kind,name\n2031-10-01,workday,国庆节\n", ".csv", "Saturday or Sunday"),  # a Wednesday
        ("date,kind,name\n2031-10-01,holiday,国庆节\n2031-10-01,holiday,国庆节\n", ".csv", "listed twice"),
        ("date,kind,name\n2031-13-01,holiday,国庆节\n", ".csv", "not a date"),
        ("date,kind\n2031-10-01,holiday\n", ".csv", "header"),
        ('{"year": 2031, "days": []}', ".json", "source"),
        ("{not json", ".json", "not valid JSON"),
    ],
)
def test_bad_file_is_refused_and_nothing_stored(tmp_path, content, suffix, message):
    path = tmp_path / ("bad" + suffix)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("calendar_import", str(path), "--source", "测试 Test")
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_csv_needs_a_source(tmp_path):
    path = tmp_path / "2031.csv"
    path.write_text("date,kind,name\n2031-10-01,holiday,国庆节\n")
    with pytest.raises(CommandError, match="--source"):
        call_command("calendar_import", str(path))


# -- API ---------------------------------------------------------------------------------------


def test_calendar_api_shows_a_year_and_refuses_a_missing_one(api, make_user, orgs):
    user = make_user("viewer", "member", org=orgs.acme)
    body = api(user).get("/api/v1/calendar/2025/").json()
    assert body["year"] == 2025 and "国办发明电〔2024〕12号" in body["source"]
    by_date = {d["date"]: d for d in body["days"]}
    assert by_date["2025-10-11"]["kind"] == "workday" and by_date["2025-10-11"]["weekday"] == 6
    assert by_date["2025-10-08"]["kind"] == "holiday"
    r = api(user).get("/api/v1/calendar/2027/")
    assert r.status_code == 404 and r.json()["code"] == "calendar_missing"
    assert [y["year"] for y in api(user).get("/api/v1/calendar/").json()["results"]] == [2025, 2026]
    assert api().get("/api/v1/calendar/2025/").status_code == 401


def test_calendar_pages_show_rules_and_a_year(client, make_user, orgs):
    assert client.get("/calendar/").status_code == 302  # to the login page
    user = make_user("viewer", "member", org=orgs.acme)
    client.force_login(user)
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert "example.decide" in page.content.decode() and "/calendar/2026/" in page.content.decode()
    year = client.get("/calendar/2026/").content.decode()
    assert "2026-10-10" in year and "国庆节" in year
    assert client.get("/calendar/2027/").status_code == 404
