"""Reading the State Council's holiday notice as text: the shipped years read back exactly,
and anything doubtful refuses the whole notice."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.calendar.loader import HOLIDAY, WORKDAY, CalendarFileError, shipped_arrangements
from workflow.calendar.notice import parse_notice

D = dt.date

# The numbered clauses as the notices print them (full-width punctuation, weekdays in brackets).
NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
鼓励单位和个人结合落实带薪年休假等制度，实际形成较长假期。节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
国务院办公厅
2025年11月4日
"""

# The 2025 notice opens with the principles of the revised 放假办法, dates included.
NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号
经党中央、国务院批准，根据2024年11月修订的《全国年节及纪念日放假办法》，自2025年1月1日起，全体公民放假的假日增加2天。\
春节自农历除夕起放假调休8天，国庆节自10月1日起放假调休7天。按照上述原则，现将具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
国务院办公厅
2024年11月12日
"""


def _shipped(year):
    return next(a for a in shipped_arrangements() if a.year == year)


@pytest.mark.parametrize("year,text", [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_the_notices_read_back_exactly_as_the_shipped_calendars(year, text):
    read = parse_notice(text)
    assert read.year == year
    assert read.days == _shipped(year).days  # every date, kind and holiday name


def test_source_names_the_notice_its_number_and_date():
    expected = "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）"
    assert parse_notice(NOTICE_2025).source == expected
    assert parse_notice(NOTICE_2026).source == "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"


def test_a_notice_pasted_as_one_line_reads_the_same():
    one_line = NOTICE_2026.replace("\n", "")
    assert parse_notice(one_line).days == _shipped(2026).days


def test_clauses_without_the_title_need_the_year():
    clauses = NOTICE_2026[NOTICE_2026.index("一、"):]
    with pytest.raises(CalendarFileError, match="year"):
        parse_notice(clauses)
    assert parse_notice(clauses, year=2026).days == _shipped(2026).days
    with pytest.raises(CalendarFileError, match="2026, not 2027"):
        parse_notice(NOTICE_2026, year=2027)


def test_new_year_days_of_december_belong_to_the_year_before():
    explicit = parse_notice("一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", year=2023)
    assert sorted(explicit.days) == [D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2)]
    implied = parse_notice("一、元旦：12月30日（星期日）至1月1日（星期二）放假调休，共3天。12月29日（星期六）上班。", year=2019)
    assert implied.days[D(2018, 12, 29)][0] == WORKDAY
    assert [d for d, (kind, _n) in implied.days.items() if kind == HOLIDAY] == [D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1)]


def test_a_day_off_in_lieu_is_a_holiday():
    read = parse_notice("一、元旦：1月1日放假，1月2日（星期一）补休。", year=2017)
    assert read.days == {D(2017, 1, 1): (HOLIDAY, "元旦"), D(2017, 1, 2): (HOLIDAY, "元旦")}


@pytest.mark.parametrize(
    "wrong,right,message",
    [
        ("1月4日（周日）上班", "1月4日（周一）上班", "is not a 周一"),  # the printed weekday must match
        ("放假调休，共9天", "放假调休，共8天", "says 8 days"),  # "共N天" must match the range
        ("5月9日（周六）上班", "5月8日上班", "Saturday or Sunday"),  # make-up days fall on a weekend
        ("5月9日（周六）上班", "5月9日（周六）调班", "not understood"),  # an unknown phrase with a date
        ("1月1日（周四）至3日（周六）", "1月1日（周四）至2月30日", "not a date"),
        ("三、清明节：4月4日（周六）至6日（周一）放假，共3天。", "三、清明节：另行通知。", "no holiday"),
    ],
)
def test_anything_doubtful_refuses_the_whole_notice(wrong, right, message):
    assert wrong in NOTICE_2026
    with pytest.raises(CalendarFileError, match=message):
        parse_notice(NOTICE_2026.replace(wrong, right, 1))


def test_text_without_clauses_is_refused():
    with pytest.raises(CalendarFileError, match="no numbered clause"):
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知 尚未发布")


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_mangled_notice_is_read_or_refused_never_crashes(data):
    """Whatever a paste does to the text (characters lost, doubled or replaced), the reader
    either returns an arrangement whose make-up days are weekends, or refuses with a reason."""
    text = NOTICE_2026
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        at = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
        junk = data.draw(st.text(alphabet="0123456789月日至、，。：（）周六上班放假共天补休\n ", max_size=3))
        cut = data.draw(st.integers(min_value=0, max_value=3))
        text = text[:at] + junk + text[at + cut:]
    try:
        read = parse_notice(text, year=2026)
    except CalendarFileError:
        return
    assert all(day.weekday() >= 5 for day, (kind, _name) in read.days.items() if kind == WORKDAY)
