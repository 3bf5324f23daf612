"""Reading the State Council's yearly notice (国务院办公厅关于××年部分节假日安排的通知) as text.

The notice is the only authority for a year's holidays and 调休 make-up working days,
and it is published as prose in a stable form, one numbered clause per festival::

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。

An operator who pastes the notice gets the arrangement without retyping any date.
Nothing is guessed: every weekday printed in the notice must match the date read, every
"共N天" must match the range read, every make-up day must fall on a weekend, and a
sentence that names a date this reader does not understand refuses the whole notice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .loader import HOLIDAY, WORKDAY, CalendarFileError, YearArrangement

_TITLE = re.compile(r"关于(\d{4})年部分节假日安排的通知")
_DOC_NUMBER = re.compile(r"国办发明电\s*〔\d{4}〕\s*\d+\s*号")
_CLAUSE = re.compile(r"(?:^|\n|。)\s*[一二三四五六七八九十]{1,3}、\s*([^:\n。]{1,20}?)\s*:")
_DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?P<{p}m>\d{{1,2}})月(?P<{p}d>\d{{1,2}})日"
_END = r"(?:(?:(?P<ey>\d{4})年)?(?P<em>\d{1,2})月)?(?P<ed>\d{1,2})日"
_NOTE = r"(?:\((?P<{p}note>[^)]*)\))?"
_RANGE = re.compile(_DATE.format(p="s") + _NOTE.format(p="s") + r"\s*(?:至\s*" + _END + _NOTE.format(p="e") + r")?\s*放假")
_LISTED = re.compile(_DATE.format(p="") + _NOTE.format(p=""))
_PLAIN_DATE = r"(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:\([^)]*\))?"
#: "1月26日(周日)、2月8日(周六)上班" (make-up working days) or "1月2日(星期一)补休" (a day off).
_LIST = re.compile(r"(?:" + _PLAIN_DATE + r"\s*[、,和及]?\s*)+(?P<what>上班|补休)")
_TOTAL = re.compile(r"共\s*(\d+)\s*天")
_ANY_DATE = re.compile(r"\d{1,2}月\d{1,2}日|至\s*\d{1,2}日")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
#: The signature closing the notice: "国务院办公厅 2025年11月4日".
_SIGNATURE = re.compile(r"国务院办公厅\s*(\d{4})年(\d{1,2})月(\d{1,2})日")
NEW_YEAR = "元旦"


def parse_notice(text: str, *, year: int | None = None, source_url: str = "") -> YearArrangement:
    """The arrangement announced by the notice ``text``; :class:`CalendarFileError` if unsure.

    The year comes from the title (or ``year`` when the title was not pasted); the
    source recorded is the notice's title with its document number and date when present.
    """
    text = unicodedata.normalize("NFKC", text or "").replace("\r", "")
    title = _TITLE.search(text)
    if title:
        if year is not None and int(title.group(1)) != year:
            raise CalendarFileError(f"the notice is for {title.group(1)}, not {year}")
        year = int(title.group(1))
    if year is None:
        raise CalendarFileError("the year is not named: paste the notice with its title, or give the year")
    if not 2000 <= year <= 2200:
        raise CalendarFileError(f"year {year} out of range")
    clauses = list(_CLAUSE.finditer(text))
    if not clauses:
        raise CalendarFileError("no numbered clause (一、元旦：…) found in the notice")
    signature = _SIGNATURE.search(text, clauses[-1].end())
    arrangement = YearArrangement(year=year, source=_source(text, year, signature), source_url=source_url)
    for i, match in enumerate(clauses):
        end = clauses[i + 1].start() if i + 1 < len(clauses) else (signature.start() if signature else len(text))
        _read_clause(arrangement, match.group(1).strip(), text[match.end():end])
    return arrangement


def _source(text: str, year: int, signature: re.Match | None) -> str:
    """The notice's title, with its document number and date when the text carries them."""
    details = []
    number = _DOC_NUMBER.search(text)
    if number:
        details.append(re.sub(r"\s+", "", number.group(0)))
    if signature:
        details.append(f"{int(signature.group(1))}年{int(signature.group(2))}月{int(signature.group(3))}日")
    suffix = f"（{'，'.join(details)}）" if details else ""
    return f"国务院办公厅关于{year}年部分节假日安排的通知{suffix}"


def _read_clause(arrangement: YearArrangement, name: str, body: str) -> None:
    """Read one festival's clause: its holiday range, 补休 days and make-up working days."""
    holidays = 0
    for sentence in re.split(r"[。;\n]", body):
        sentence = sentence.strip()
        # Sentences without a date (the closing "鼓励单位和个人……" paragraph) say nothing to store.
        if _ANY_DATE.search(sentence):
            holidays += _read_sentence(arrangement, name, sentence)
    if not holidays:
        raise CalendarFileError(f"{name}: no holiday found in this clause; nothing was stored")


def _read_sentence(arrangement: YearArrangement, name: str, sentence: str) -> int:
    """Store what one sentence announces; every date in it must belong to something understood."""
    where = f"{name}: “{sentence}”"
    understood: list[tuple[int, int]] = []
    holidays = 0
    if "放假" in sentence:
        match = _RANGE.search(sentence)
        if match is None:
            raise CalendarFileError(f"{where}: the holiday dates are not understood")
        holidays += _read_range(arrangement, name, match, sentence, where)
        understood.append(match.span())
    for match in _LIST.finditer(sentence):
        kind = WORKDAY if match.group("what") == "上班" else HOLIDAY
        listed = _read_listed(arrangement, name, match.group(0), kind, where)
        holidays += listed if kind == HOLIDAY else 0
        understood.append(match.span())
    for date in _ANY_DATE.finditer(sentence):
        if not any(start <= date.start() and date.end() <= end for start, end in understood):
            raise CalendarFileError(f"{where}: “{date.group(0)}” is not understood; nothing was stored")
    return holidays


def _read_range(arrangement: YearArrangement, name: str, match: re.Match, sentence: str, where: str) -> int:
    """``X月X日(…)[至[Y月]Y日(…)]放假…[，共N天]``: the days off, checked against "共N天"."""
    first = _date(arrangement.year, name, match.group("sy"), match.group("sm"), match.group("sd"), where)
    _check_weekday(first, match.group("snote"), where)
    last = first
    if match.group("ed"):
        month = int(match.group("em") or first.month)
        year = int(match.group("ey") or (first.year + 1 if month < first.month else first.year))
        last = _date(year, name, year, month, match.group("ed"), where)
        _check_weekday(last, match.group("enote"), where)
    if last < first:
        raise CalendarFileError(f"{where}: the holiday ends before it starts")
    length = (last - first).days + 1
    total = _TOTAL.search(sentence)
    if total and int(total.group(1)) != length:
        raise CalendarFileError(f"{where}: says {total.group(1)} days, but {first}..{last} is {length}")
    for offset in range(length):
        _add(arrangement, first + dt.timedelta(days=offset), HOLIDAY, name, where)
    return length


def _read_listed(arrangement: YearArrangement, name: str, sentence: str, kind: str, where: str) -> int:
    matches = list(_LISTED.finditer(sentence))
    for match in matches:
        day = _date(arrangement.year, name, match.group("y"), match.group("m"), match.group("d"), where)
        _check_weekday(day, match.group("note"), where)
        _add(arrangement, day, kind, name, where)
    return len(matches)


def _date(notice_year: int, name: str, year, month, day, where: str) -> dt.date:
    """A date of the notice. Without a printed year it lies in the notice's year, except the
    December days of the New Year clause, which belong to the year before."""
    month, day = int(month), int(day)
    if year:
        year = int(year)
    else:
        year = notice_year - 1 if (month == 12 and NEW_YEAR in name) else notice_year
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CalendarFileError(f"{where}: {year}-{month}-{day} is not a date") from None


def _check_weekday(day: dt.date, note: str | None, where: str) -> None:
    printed = _WEEKDAY.search(note or "")
    if printed and _WEEKDAYS[printed.group(1)] != day.weekday():
        raise CalendarFileError(f"{where}: {day} is not a {printed.group(0)}; nothing was stored")


def _add(arrangement: YearArrangement, day: dt.date, kind: str, name: str, where: str) -> None:
    try:
        arrangement.add(day, kind, name)
    except CalendarFileError as exc:
        raise CalendarFileError(f"{where}: {exc}") from None
