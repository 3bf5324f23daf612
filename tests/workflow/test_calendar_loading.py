"""Loading a year's calendar from the notice — command, API and page — and the warning
that next year's calendar is still missing."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from workflow import clock
from workflow.calendar.models import CalendarDay, CalendarYear
from workflow.calendar.readiness import missing_years
from workflow.calendar.working_days import is_working_day
from workflow.deadlines import timers
from workflow.notifications.models import Notification, NotificationKind
from workflow.roles import Role

pytestmark = pytest.mark.django_db

D = dt.date

# A made-up arrangement for a far year (its weekdays are right), so no real year is implied.
NOTICE_2031 = """国务院办公厅关于2031年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月22日（周三）至28日（周二）放假调休，共7天。1月19日（周日）、2月8日（周六）上班。
国务院办公厅
2030年11月5日
"""


@pytest.fixture
def people(orgs, make_user):
    return type("People", (), {
        "fed_admin": make_user("fedadmin", (Role.ADMIN, orgs.fed)),
        "union_admin": make_user("acmeadmin", (Role.ADMIN, orgs.acme)),
        "member": make_user("member", Role.MEMBER, org=orgs.acme),
    })


# -- command -------------------------------------------------------------------------------------


def test_command_dry_run_shows_every_day_and_stores_nothing(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2031, encoding="utf-8")
    call_command("calendar_import", str(path), "--notice", "--dry-run")
    out = capsys.readouterr().out
    assert "2031-01-19 周日 workday" in out and "8 holidays, 2 make-up working days" in out
    assert "nothing stored" in out and not CalendarYear.objects.filter(year=2031).exists()


def test_command_loads_the_notice(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2031, encoding="utf-8")
    call_command("calendar_import", str(path), "--notice")
    assert "2031: 8 holidays, 2 make-up working days" in capsys.readouterr().out
    stored = CalendarYear.objects.get(year=2031)
    assert stored.source == "国务院办公厅关于2031年部分节假日安排的通知（2030年11月5日）" and stored.imported_by is None
    assert is_working_day(D(2031, 1, 19)) is True and is_working_day(D(2031, 1, 22)) is False
    assert is_working_day(D(2031, 1, 29)) is True


def test_command_refuses_a_doubtful_notice(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE_2031.replace("共7天", "共8天"), encoding="utf-8")
    with pytest.raises(CommandError, match="says 8 days"):
        call_command("calendar_import", str(path), "--notice")
    assert not CalendarYear.objects.filter(year=2031).exists()


# -- API -------------------------------------------------------------------------------------------


def test_only_a_federation_administrator_loads_a_calendar(api, people):
    for user in (people.member, people.union_admin):
        r = api(user).post("/api/v1/calendar/", {"notice": NOTICE_2031}, format="json")
        assert r.status_code == 403
    assert api().post("/api/v1/calendar/", {"notice": NOTICE_2031}, format="json").status_code == 401
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_api_preview_then_load(api, people):
    client = api(people.fed_admin)
    r = client.post("/api/v1/calendar/", {"notice": NOTICE_2031, "dry_run": True}, format="json")
    assert r.status_code == 200, r.content
    shown = r.json()["preview"][0]
    assert shown["year"] == 2031 and shown["holidays"] == 8 and shown["workdays"] == 2 and not shown["replaces"]
    assert {"date": "2031-02-08", "weekday": 6, "weekday_label": "周六", "kind": "workday", "name": "春节"} in shown["days"]
    assert not CalendarYear.objects.filter(year=2031).exists()

    r = client.post(
        "/api/v1/calendar/", {"notice": NOTICE_2031, "source_url": "https://www.gov.cn/notice-2031"}, format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["years"] == [2031]
    stored = CalendarYear.objects.get(year=2031)
    assert stored.imported_by == people.fed_admin and stored.source_url == "https://www.gov.cn/notice-2031"
    assert client.get("/api/v1/calendar/2031/").json()["imported_by"] == "fedadmin"

    # Loading it again previews as a replacement and lists what the new text no longer has.
    shorter = NOTICE_2031.replace("1月19日（周日）、", "")
    shown = client.post("/api/v1/calendar/", {"notice": shorter, "dry_run": True}, format="json").json()["preview"][0]
    assert shown["replaces"] and shown["removed"] == ["2031-01-19"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"notice": NOTICE_2031.replace("（周日）、2月8日", "（周一）、2月8日")}, "notice"),
        ({"notice": NOTICE_2031, "arrangement": {"year": 2031}}, "notice"),
        ({}, "notice"),
        ({"notice": ["not", "text"]}, "notice"),
        ({"notice": NOTICE_2031, "source_url": "javascript:alert(1)"}, "source_url"),
        ({"notice": NOTICE_2031[NOTICE_2031.index("一、"):], "year": "twenty"}, "year"),
        ({"arrangement": {"year": 2031, "source": "x", "days": [{"date": "2031-01-01", "kind": "holiday"}]}}, "arrangement"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, people, body, field):
    r = api(people.fed_admin).post("/api/v1/calendar/", body, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"]
    assert not CalendarYear.objects.filter(year=2031).exists()


def test_api_loads_the_json_form_too(api, people):
    arrangement = {"year": 2031, "source": "测试 Test", "days": [{"name": "元旦", "kind": "holiday", "date": "2031-01-01"}]}
    r = api(people.fed_admin).post("/api/v1/calendar/", {"arrangement": arrangement}, format="json")
    assert r.status_code == 201 and CalendarDay.objects.filter(calendar__year=2031).count() == 1


# -- page ------------------------------------------------------------------------------------------


def test_page_previews_then_loads(client, people):
    client.force_login(people.member)
    assert client.get("/calendar/import/").status_code == 403
    assert client.post("/calendar/import/", {"notice": NOTICE_2031, "action": "import"}).status_code == 403
    assert not CalendarYear.objects.filter(year=2031).exists()

    client.force_login(people.fed_admin)
    assert "/calendar/import/" in client.get("/calendar/").content.decode()
    page = client.post("/calendar/import/", {"notice": NOTICE_2031, "action": "preview"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-preview-year="2031"' in html and "2031-02-08" in html
    assert not CalendarYear.objects.filter(year=2031).exists()

    done = client.post("/calendar/import/", {"notice": NOTICE_2031, "action": "import"})
    assert done.status_code == 302 and done["Location"] == "/calendar/2031/"
    assert CalendarYear.objects.get(year=2031).imported_by == people.fed_admin


def test_page_shows_why_a_notice_is_refused_and_keeps_the_text(client, people):
    client.force_login(people.fed_admin)
    bad = NOTICE_2031.replace("共7天", "共8天")
    page = client.post("/calendar/import/", {"notice": bad, "action": "import"})
    html = page.content.decode()
    assert page.status_code == 400 and "says 8 days" in html and "共8天" in html  # the text is still there
    assert not CalendarYear.objects.filter(year=2031).exists()


# -- warning ahead of the year ---------------------------------------------------------------------


def test_next_year_is_wanted_from_61_days_before_it_begins():
    assert missing_years(D(2026, 10, 31)) == []  # 2026-12-31 is the farthest day needed
    assert missing_years(D(2026, 11, 1)) == [2027]  # 61 days ahead is 2027-01-01


def test_sweep_tells_the_calendar_administrators_once(people, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-secret-1")
    with clock.override(dt.datetime(2026, 10, 31, 9, 0)):
        assert timers.sweep()["calendar_warnings"] == 0
    with clock.override(dt.datetime(2026, 11, 1, 9, 0)):
        assert timers.sweep()["calendar_warnings"] == 1
        assert timers.sweep()["calendar_warnings"] == 0  # the next minute: nothing new
    warned = Notification.objects.filter(kind=NotificationKind.CALENDAR_MISSING)
    assert sorted(warned.values_list("user__username", flat=True)) == sorted([people.fed_admin.username, root.username])
    assert "2027" in warned.first().title and warned.first().url == "/calendar/import/"


def test_banner_for_the_administrator_only_until_the_year_is_loaded(client, people, api):
    with clock.override(dt.datetime(2026, 11, 29, 9, 0)):
        client.force_login(people.member)
        assert "data-missing-calendar" not in client.get("/calendar/").content.decode()
        client.force_login(people.fed_admin)
        assert 'data-missing-calendar="2027"' in client.get("/calendar/").content.decode()
        assert api(people.member).get("/api/v1/calendar/").json()["missing_ahead"] == [2027]
        CalendarYear.objects.create(year=2027, source="测试 Test")
        assert "data-missing-calendar" not in client.get("/calendar/").content.decode()
        assert api(people.member).get("/api/v1/calendar/").json()["missing_ahead"] == []
