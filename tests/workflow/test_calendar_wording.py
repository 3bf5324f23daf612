"""Calendar pages name weekdays (周四 / Thu) and state rule settings in words, bilingual."""

from django.utils import translation

from workflow.calendar.wording import on_expiry_words, starts_from_words, weekday_name
from workflow.roles import Role


def test_weekday_names_not_digits():
    assert weekday_name("2026-10-01") == "周四 Thu"
    assert weekday_name(7) == "周日 Sun"


def test_rule_settings_in_words():
    assert on_expiry_words("transition:close_unrated") == "到期自动执行：逾期未评价办结 on expiry: Close as not rated"
    assert on_expiry_words("flag") == "到期标记逾期并通知 on expiry: flagged overdue, people notified"
    assert on_expiry_words("escalate", "chair") == "到期上报工会主席 on expiry: escalated to Chair"
    assert starts_from_words("assign") == "自「交办」起 from: Assign"


def test_year_page_shows_weekday_names(client, orgs, make_user):
    client.force_login(make_user("m1", Role.MEMBER, org=orgs.acme))
    body = client.get("/calendar/2026/").content.decode()
    # 2026-01-01, New Year's Day, is a Thursday: named, not "4".
    assert "<td>2026-01-01</td>\n          <td>周四 Thu</td>" in body
    assert "<td>4</td>" not in body


def test_rules_page_says_what_expiry_does(client, orgs, make_user):
    client.force_login(make_user("m1", Role.MEMBER, org=orgs.acme))
    with translation.override("en"):
        body = client.get("/calendar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "transition:close_unrated" not in body and "transition:expire" not in body
    assert "on expiry: Close as not rated" in body or "到期自动执行：逾期未评价办结" in body
