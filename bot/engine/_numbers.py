"""Numbers and lengths of time, as officers type or say them.

"fifteen", "about 15", "15 and a half"; "3 hours", "day and a half", "since 10pm", "for ours" (a
speech slip for four hours). Only digits and number words are numbers: "nan" (a grandmother),
"inf" and "1e309" are words. The words come from ``language/en/numbers.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.engine._confirm import corrected_part, read_confirm, split_at_correction
from bot.engine._words import LANGUAGE, has, word_list, words

_DECIMAL = re.compile(r"\d\s*[.,]\s*\d")
"""A decimal point or comma between digits: "3.5" is three and a half, never "3 5" said apart."""

_FRACTIONS = {"½": "a half", "¼": "a quarter", "¾": "three quarters"}
_FRACTION = re.compile(r"(\d?)\s*([½¼¾])")


def _fractions(text: str) -> str:
    """Read "15½" as "15 and a half" and "½ hour" as "a half hour": NFKC would make "1 2"."""
    return _FRACTION.sub(
        lambda m: f"{m[1]} and {_FRACTIONS[m[2]]}" if m[1] else f" {_FRACTIONS[m[2]]}", text
    )


def read_number(text: str) -> float | str | None:
    """A number ("15", "fifteen", "about 15", "15 and a half"), "unsure", or None.

    Number words are read by the knowledge normaliser, so "twenty one" and "forty-eight" mean
    the same here as everywhere else in guidebot.
    """
    text = _fractions(text)
    for kind, value in _quantities(text):
        if kind == "number":
            return value
    if read_confirm(text) == "unsure":
        return "unsure"
    return None


_NUMBERS = LANGUAGE.numbers
UNIT_HOURS: dict[str, float] = dict(_NUMBERS.unit_hours)
SPOKEN_UNITS: dict[str, str] = dict(_NUMBERS.unit_homophones)
SPOKEN_NUMBERS: dict[str, float] = {k: float(v) for k, v in _NUMBERS.number_homophones.items()}
"""Speech slips for a number and a unit said together: "for ours" is "four hours"."""

QUANTITY_WORDS: dict[str, float] = dict(_NUMBERS.amounts)
"""Everyday amounts, read on the long side so that a band is never lower than meant."""

RELATIVE_HOURS: tuple[tuple[str, float], ...] = tuple(
    (words(phrase), hours) for phrase, hours in _NUMBERS.relative_hours.items()
)
"""Everyday answers to "how long?", read as a rough figure; the bot says how it read them."""

DAY_NAMES: dict[str, int] = dict(_NUMBERS.days)
MONTHS: dict[str, int] = {words(name): month for name, month in _NUMBERS.months.items()}
APPEARANCE = word_list(_NUMBERS.appearance)
PARTS_OF_DAY: dict[str, int] = {words(part): hour for part, hour in _NUMBERS.parts_of_day.items()}
"""When a part of today begins, taken early so that the time since it is never under-read."""

LOCAL_TIME = "Europe/London"
UNDER_A_DAY = 23.5
"""Read for a time of day when there is no clock to count from: under a day, on the long side."""

SINCE_WORDS = word_list(
    [
        "since",
        "from",
        "last seen",
        "last seen at",
        "last seen on",
        "seen at",
        "left at",
        "went missing at",
        "gone since",
        "missing since",
        "at",
        *_NUMBERS.reported_times,
    ]
)
"""Words before a time that an answer counts from ("since 10pm", "last seen at half 3")."""
MORNING = word_list(["am", "this morning", "in the morning", "morning"])
EVENING = word_list(
    [
        "pm",
        "tonight",
        "this evening",
        "in the evening",
        "evening",
        "afternoon",
        "this afternoon",
        "in the afternoon",
        "night",
        "at night",
        "last night",
    ]
)
YESTERDAY = word_list(_NUMBERS.yesterday)

_TIME_SHORTHAND: dict[str, str] = {
    words(short): words(meant) for short, meant in _NUMBERS.time_shorthand.items()
}
_TIME_SHORTHAND_AT = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(map(re.escape, sorted(_TIME_SHORTHAND, key=len, reverse=True)))
    + r")(?![a-z0-9])"
)
_HEDGES = frozenset(word_list(_NUMBERS.hedges))
_ISH = re.compile(r"\b(\d+(?: am| pm)?) (am|pm)?ish\b")
"""A number with "ish" after it ("11ish", "11 ish"): the number, the hedge dropped."""


def _time_words(text: str) -> str:
    """The answer as :func:`words` reads it, with chat spellings of time mended and hedges dropped.

    "bout 2 n a half hrs" must read as two and a half hours, not as "a half" (30 minutes, a
    band too low), and "since about 9" as since 09:00: the shorthand and hedges are data in
    numbers.yaml, so a trainer can add the next one an officer types.
    """
    said = _ISH.sub(lambda found: " ".join(filter(None, found.groups())), words(text))
    if _TIME_SHORTHAND:
        said = _TIME_SHORTHAND_AT.sub(lambda found: _TIME_SHORTHAND[found.group(1)], said)
    return " ".join(word for word in said.split() if word not in _HEDGES)


class Estimate(float):
    """A length of time read from a rough answer, and how to say it back to the officer."""

    description: str

    def __new__(cls, hours: float, description: str) -> Estimate:
        made = super().__new__(cls, hours)
        made.description = description
        return made


def _local(now: float) -> dt.datetime:
    try:
        zone: dt.tzinfo = ZoneInfo(LOCAL_TIME)
    except ZoneInfoNotFoundError:  # pragma: no cover - tz data ships with Python or tzdata
        zone = dt.UTC
    return dt.datetime.fromtimestamp(now, zone)


@dataclass(frozen=True)
class _When:
    """A time an answer counts from, as said: a day, a part of the day, a clock time."""

    day: str | int | None = None
    """"yesterday", a weekday (Monday is 0), or None for today."""
    part: str | None = None
    hour: int | None = None
    minute: int = 0
    half: str | None = None
    """"am" or "pm" when the answer says which half of the day."""


def _twenty_four_hour(word: str) -> tuple[int, int] | None:
    """A time written the 24-hour way in one word ("0200", "1430"): (hour, minute), or None."""
    if len(word) != 4 or not word.isdigit():
        return None
    hour, minute = int(word[:2]), int(word[2:])
    return (hour, minute) if hour <= 23 and minute <= 59 else None


def _clock(said: list[str], at: int) -> tuple[int, int, int] | None:
    """A clock time from ``said[at]``: (hour, minute, words used), "half 3" and "22 30" too."""

    def number(index: int, most: int) -> int | None:
        if index < len(said) and said[index].isdigit() and int(said[index]) <= most:
            return int(said[index])
        return None

    word = said[at] if at < len(said) else ""
    if word == "half" and (hour := number(at + 1, 12)) is not None:
        return hour, 30, 2  # British "half 3" is 3:30
    if word == "half" and at + 2 < len(said) and said[at + 1] == "past":
        hour = number(at + 2, 12)
        if hour is not None:
            return hour, 30, 3  # "half past ten", as a speech recogniser writes it
    if word == "quarter" and at + 2 < len(said) and said[at + 1] in ("past", "to"):
        hour = number(at + 2, 12)
        if hour is not None:
            return (hour, 15, 3) if said[at + 1] == "past" else ((hour - 1) % 12 or 12, 45, 3)
    minutes = number(at, 59)
    if minutes is not None and at + 2 < len(said) and said[at + 1] in ("past", "to"):
        hour = number(at + 2, 12)
        if hour is not None:
            if said[at + 1] == "past":
                return hour, minutes, 3
            return (hour - 1) % 12 or 12, 60 - minutes, 3
    written = _twenty_four_hour(word)
    if written is not None:
        return written[0], written[1], 1
    hour = number(at, 23)
    if hour is None:
        return None
    if at + 1 < len(said) and said[at + 1] in UNIT_HOURS:
        return None  # "since 2 days": a length of time, not a clock time
    if (
        at + 3 < len(said)
        and said[at + 1] in ("or", "to")
        and said[at + 2].isdigit()
        and said[at + 3] in UNIT_HOURS
    ):
        return None  # "mum says 3 or 4 hours": a length of time too
    minute = number(at + 1, 59)
    if minute is not None and len(said[at + 1]) == 2:
        return hour, minute, 2
    if at + 1 < len(said) and said[at + 1] in ("oclock",):
        return hour, 0, 2
    if at + 2 < len(said) and said[at + 1 : at + 3] == ["o", "clock"]:
        return hour, 0, 3
    return hour, 0, 1


_Phrases = dict[str, tuple[list[str], ...]]
"""Phrases split into words, by their first word: the few that may stand at a word."""


def _by_first_word(phrases: Sequence[str]) -> _Phrases:
    found: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        parts = phrase.split()
        if parts:
            found.setdefault(parts[0], []).append(parts)
    return {first: tuple(parts) for first, parts in found.items()}


_SINCE = _by_first_word(SINCE_WORDS)
_PARTS = _by_first_word(list(PARTS_OF_DAY))
_HALVES = _by_first_word([*MORNING, *EVENING])


def _phrase_at(said: list[str], at: int, phrases: _Phrases) -> int:
    """How many words of the longest phrase standing at ``said[at]`` (0 for none).

    Only the phrases starting with that word are compared: a time is looked for at every word
    of an answer, and a long answer has hundreds.
    """
    best = 0
    for parts in phrases.get(said[at], ()) if at < len(said) else ():
        if said[at : at + len(parts)] == parts:
            best = max(best, len(parts))
    return best


def _when(said: list[str], at: int, *, clock: bool) -> _When | None:
    """The time said from ``said[at]`` on, if any (``clock``: a bare number may be a time)."""
    day: str | int | None = None
    part: str | None = None
    hour: int | None = None
    minute = 0
    half: str | None = None
    index = at
    while index < len(said):
        word = said[index]
        if (
            word == "the"
            and index == at
            and index + 1 < len(said)
            and (said[index + 1] in DAY_NAMES or _phrase_at(said, index + 1, _PARTS))
        ):
            index += 1  # "since the weekend", "or maybe the morning"
            continue
        if word in YESTERDAY and index + 1 < len(said) and said[index + 1] in DAY_NAMES:
            index += 1  # "last friday"
            continue
        if word == "yesterday":
            day = "yesterday"
            index += 1
            continue
        if word in DAY_NAMES and day is None:
            day = DAY_NAMES[word]
            index += 1
            continue
        took = _phrase_at(said, index, _PARTS)
        if took:
            part = " ".join(said[index : index + took])
            if said[index] == "last" and day is None:
                day = "yesterday"
            index += took
            continue
        took = _phrase_at(said, index, _HALVES)
        if took and hour is not None:
            half = "am" if " ".join(said[index : index + took]) in MORNING else "pm"
            if " ".join(said[index : index + took]) == "last night":
                day = "yesterday"
            index += took
            continue
        if hour is None and (clock or day is not None or part is not None):
            found = _clock(said, index)
            if found is not None:
                hour, minute, took = found
                if hour < 12 and (word.startswith("0") or _twenty_four_hour(word)) and took < 3:
                    half = "am"  # "02:00", "0200": the 24-hour clock says which half
                index += took
                continue
        break
    if day is None and part is None and hour is None:
        return None
    if part is not None and hour is not None and half is None:
        half = "am" if PARTS_OF_DAY[part] < 12 else "pm"
    return _When(day, part, hour, minute, half)


def _start(when: _When, local: dt.datetime) -> dt.datetime | None:
    """The earliest moment the answer can mean, not after now: read on the long side."""
    if isinstance(when.day, int):
        back = (local.weekday() - when.day) % 7 or 7
        base = local - dt.timedelta(days=back)
    elif when.day == "yesterday":
        base = local - dt.timedelta(days=1)
    else:
        base = local
    if when.hour is not None:
        hour = when.hour
        if when.half == "am":
            hours = [hour % 12]
        elif when.half == "pm":
            hours = [hour % 12 + 12]
        elif hour > 12:
            hours = [hour]
        else:
            hours = [hour % 12, hour % 12 + 12]
        minute = when.minute
    elif when.part is not None:
        hours, minute = [PARTS_OF_DAY[when.part]], 0
    else:
        hours, minute = [0], 0
    starts: list[dt.datetime] = []
    for candidate in hours:
        start = base.replace(hour=candidate, minute=minute, second=0, microsecond=0)
        if start > local:
            if when.day is not None:
                continue  # "yesterday at 11pm" cannot be after now
            start -= dt.timedelta(days=1)
        starts.append(start)
    return min(starts) if starts else None


def _shown(when: _When, start: dt.datetime | None, local: dt.datetime | None) -> str:
    if start is None or local is None:
        if when.hour is not None:
            minutes = f":{when.minute:02d}" if when.minute or not when.half else ""
            return f"{when.hour}{minutes}{when.half or ''}"
        return when.part or ("yesterday" if when.day == "yesterday" else "then")
    day = (
        "today"
        if start.date() == local.date()
        else (
            "yesterday"
            if start.date() == (local - dt.timedelta(days=1)).date()
            else start.strftime("%A")
        )
    )
    return f"{start:%H:%M} {day}"


def _since(said: str, now: float | None) -> float | None:
    """A length of time counted from a time of day or a day ("since 9 this morning").

    Read on the long side, because a band read too low can hide a child's risk: "since 9" at
    22:13 is since 09:00 (13 hours), "since yesterday" since the start of yesterday, "since
    tea time" since 17:00.
    """
    heard = said.split()
    when: _When | None = None
    for index in range(len(heard)):
        took = _phrase_at(heard, index, _SINCE)
        if took:
            when = _when(heard, index + took, clock=True)
        elif index == 0 or heard[index - 1] not in ("the", "a"):
            when = _when(heard, index, clock=False)
        if when is not None:
            break
    if when is None:
        return None
    if now is None:
        if when.day == "yesterday":
            return Estimate(24.0, "a day or more (since yesterday)")
        if when.day is not None:
            return None
        return Estimate(UNDER_A_DAY, f"under a day (since {_shown(when, None, None)})")
    local = _local(now)
    start = _start(when, local)
    if start is None:
        return None
    when, start = _longest_alternative(heard, index, when, start, local)
    hours = max(0.25, (now - start.timestamp()) / 3600)
    return Estimate(hours, f"since {_shown(when, start, local)}, {describe_hours(hours)}")


ALTERNATIVE_REACH = 6.0
"""Hours an "or" alternative may lie before the first time and still be one: "since 7, or
maybe half 6" is two guesses at one evening, while "11 or 12 last night" is no noon."""


def _longest_alternative(
    heard: list[str], at: int, when: _When, start: dt.datetime, local: dt.datetime
) -> tuple[_When, dt.datetime]:
    """The earliest of two times joined by "or" ("since 7, or maybe half 6"): the long side.

    Each guess borrows what the other says and it does not (the day, which half of the day),
    so "since 11 or 12 last night" is 23:00 and "since 7 this morning, or half 6" is 06:30.
    Only an "or" joins guesses: "since tea time, mum rang it in at 8" is since tea time.
    """
    for index in range(at + 1, len(heard)):
        if heard[index] != "or":
            continue
        other = _when(heard, index + 1, clock=True)
        if other is None or (other.hour is None and other.part is None):
            continue
        half = None
        if when.hour is not None:
            half = when.half or ("am" if start.hour < 12 else "pm")
        other = replace(other, day=other.day if other.day is not None else when.day)
        if other.hour is not None and other.half is None and other.part is None:
            other = replace(other, half=half)
        first = replace(
            when,
            day=when.day if when.day is not None else other.day,
            half=when.half or (other.half if when.hour is not None else None),
        )
        first_start = _start(first, local) or start
        other_start = _start(other, local)
        if other_start is None:
            continue
        gap = (first_start - other_start).total_seconds() / 3600
        if 0 < gap <= ALTERNATIVE_REACH:
            return other, other_start
        return first, first_start
    return when, start


_MONTH_NAMES = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) or "(?!)"
_SINCE_NAMES = "|".join(sorted(map(re.escape, SINCE_WORDS), key=len, reverse=True))
_ORDINAL_DATE = re.compile(
    rf"(?<![\w/])(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:time|go|attempt|floor|year))"
    rf"(?:\s+(?:of\s+)?({_MONTH_NAMES})\b)?"
)
"""A day of the month ("the 1st", "2nd of dec"), never "1st time missing" or "3rd floor"."""
_PLAIN_DATE = re.compile(
    rf"\b(?:{_SINCE_NAMES})\s+(?:the\s+)?(\d{{1,2}})\s+(?:of\s+)?({_MONTH_NAMES})\b"
)
_SLASH_DATE = re.compile(rf"\b(?:{_SINCE_NAMES})\s+(\d{{1,2}})/(\d{{1,2}})(?![\w/])")


def _date_since(text: str, now: float | None) -> float | None:
    """A length of time counted from a day of the month ("since the 1st", "from 30 nov").

    Counted from that date's midnight, the long side; a day of the month not yet reached this
    month is last month's, a date not yet reached this year last year's. Without ``now`` a date
    cannot be counted, and the answer is asked again rather than guessed.
    """
    lowered = text.lower()
    found = _ORDINAL_DATE.search(lowered) or _PLAIN_DATE.search(lowered)
    if found is not None:
        day, month = int(found[1]), MONTHS.get(words(found[2] or ""))
    elif (found := _SLASH_DATE.search(lowered)) is not None:
        day, month = int(found[1]), int(found[2])  # UK order: day first
    else:
        return None
    if now is None or not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
        return None
    local = _local(now)
    start: dt.datetime | None = None
    for back in range(13):  # this month (or year) first, then further back
        year, wanted = local.year, month if month is not None else local.month - back
        if month is not None:
            year -= back
        while wanted < 1:
            wanted, year = wanted + 12, year - 1
        try:
            candidate = local.replace(year=year, month=wanted, day=day, hour=0, minute=0)
        except ValueError:
            continue  # the 31st of a short month
        if candidate <= local:
            start = candidate.replace(second=0, microsecond=0)
            break
    if start is None:
        return None
    shown = f"{start:%A} {start.day} {start:%B}"
    timed = _time_on(lowered[found.end() :], start, local)
    if timed is not None:
        start, shown = timed, f"{timed:%H:%M} {shown}"
    hours = max(0.25, (now - start.timestamp()) / 3600)
    return Estimate(hours, f"since {shown}, {describe_hours(hours)}")


def _time_on(after: str, day: dt.datetime, local: dt.datetime) -> dt.datetime | None:
    """The clock time said right after a date ("since the 3rd at 6pm"), on that date.

    Read on the long side as any clock time is: "the 3rd at 6" is 06:00 unless that half of
    the day is said, and never a time still to come.
    """
    heard = _time_words(after).split()
    at = 1 if heard[:1] == ["at"] else 0
    when = _when(heard, at, clock=True)
    if when is None or when.hour is None or when.day is not None:
        return None
    if when.half == "am":
        hours = [when.hour % 12]
    elif when.half == "pm":
        hours = [when.hour % 12 + 12]
    else:
        hours = [when.hour] if when.hour > 12 else [when.hour % 12, when.hour % 12 + 12]
    starts = [day.replace(hour=hour, minute=when.minute) for hour in hours]
    earlier = [start for start in starts if start <= local]
    return min(earlier) if earlier else None


def _duration_words(text: str) -> list[str]:
    """The answer as normalised words, with decimals kept whole and spoken units mended."""
    found: list[str] = []
    for piece in re.split(r"(\d+\.\d+)", text.lower()):
        if re.fullmatch(r"\d+\.\d+", piece):
            found.append(piece)
        else:
            found += _time_words(re.sub(r"(?<=\d)\s*-\s*(?=\d)", " to ", piece)).split()
    for index, word in enumerate(found[:-1]):
        if word in SPOKEN_NUMBERS and found[index + 1] in SPOKEN_UNITS:
            found[index] = f"{SPOKEN_NUMBERS[word]:g}"
    return [
        SPOKEN_UNITS[word] if word in SPOKEN_UNITS and index and _number(found[index - 1]) else word
        for index, word in enumerate(found)
    ]


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _number(word: str) -> float | None:
    """The number a word is, if it is written in digits ("15", "2.5"); words are not numbers.

    ``float()`` alone would read "nan" (a grandmother), "inf" or "1e309" as numbers.
    """
    return float(word) if _DIGITS.fullmatch(word) else None


def _amount(said: list[str], index: int) -> tuple[float, int] | None:
    """An amount starting at ``said[index]`` ("3", "2.5", "a", "couple of", "3 quarters of")."""
    if index >= len(said):
        return None
    word = said[index]
    value = _number(word)
    if value is None:
        if word not in QUANTITY_WORDS:
            return None
        value = QUANTITY_WORDS[word]
    index += 1
    if word in ("a", "an") and index < len(said) and said[index] in QUANTITY_WORDS:
        value = QUANTITY_WORDS[said[index]]
        index += 1
    if word in ("half", "quarter") and index < len(said) and said[index] in ("a", "an"):
        index += 1
    if index < len(said) and said[index] in ("quarter", "quarters"):
        value *= 0.25
        index += 1
    if said[index : index + 3] == ["and", "a", "half"]:
        value += 0.5
        index += 3
    if index < len(said) and said[index] == "of":
        index += 1
        if index < len(said) and said[index] in ("a", "an"):
            index += 1
    return value, index


def _quantities(text: str) -> list[tuple[str, float]]:
    """The amounts an answer states: ("hours", n) for a length of time, ("number", n) otherwise."""
    said = _duration_words(text)
    found: list[tuple[str, float]] = []
    index = 0
    while index < len(said):
        amount = _amount(said, index)
        if amount is None:
            if said[index] in UNIT_HOURS and said[index + 1 : index + 4] == ["and", "a", "half"]:
                found.append(("hours", 1.5 * UNIT_HOURS[said[index]]))
                index += 4
                continue
            index += 1
            continue
        value, index = amount
        if index + 1 < len(said) and said[index] in ("or", "to"):
            other = _amount(said, index + 1)
            if other is not None and other[1] < len(said) and said[other[1]] in UNIT_HOURS:
                value, index = max(value, other[0]), other[1]
        if index < len(said) and said[index] in UNIT_HOURS:
            unit = UNIT_HOURS[said[index]]
            index += 1
            if said[index : index + 3] == ["and", "a", "half"]:
                value += 0.5
                index += 3
            elif said[index : index + 2] == ["or", "2"]:
                value = max(value, 2.0)
                index += 2
            found.append(("hours", value * unit))
        elif said[index - 1] not in QUANTITY_WORDS or said[index - 1] == "half":
            found.append(("number", value))
    return found


def _corrected_in_context(before: str, after: str) -> str:
    """A correction read with what it corrects: "since 10pm, no wait 11pm" is since 11pm.

    A bare number takes the unit said before it ("2 days no wait 3" is 3 days, never 3
    hours), and a time the "since" said before it, so the correction is never read lower.
    """
    said, heard = _time_words(before).split(), _time_words(after).split()

    def counts_from(answer: list[str]) -> bool:
        return any(_phrase_at(answer, at, _SINCE) for at in range(len(answer)))

    if counts_from(said) and not counts_from(heard):
        return f"since {after}"
    if len(heard) == 1 and _number(heard[0]) is not None:
        units = [word for word in said if word in UNIT_HOURS]
        if units:
            return f"{after} {units[-1]}"
    return after


_OPENER_TIMES = word_list(_NUMBERS.opener_times)


def says_a_length_of_time(text: str) -> bool:
    """Whether a message typed at the menu gives a length of time, not only a number.

    "misper since yesterday" says how long; "misper 14" gives an age, and read at "How long
    has the child been missing?" its 14 would be hours.
    """
    said = words(text)
    return any(has(said, mark) for mark in _OPENER_TIMES)


def read_hours(text: str, now: float | None = None) -> float | str | None:
    """A length of time in hours ("3 hours", "day and a half", "since 10pm"), or "unsure".

    Returns None when no length of time can be read. ``now`` (seconds since the epoch, from the
    event) lets "since 10pm" or "since Friday" be counted; without it a time of day still reads
    as under a day, but a day name cannot be read. Rough amounts are read on the long side
    ("a couple of days" is 2 days, "2 or 3 days" is 3), so a band is never lower than meant.
    """
    split = split_at_correction(words(text))
    if split is not None:
        # "3 hours, no wait 30 hours": what was said last counts, never the two added up.
        corrected = read_hours(_corrected_in_context(*split), now)
        if corrected is not None:
            return corrected
    text = _fractions(text)
    dated = _date_since(text, now)
    if dated is not None:
        return dated
    said = _time_words(text)
    since = _since(said, now)
    if since is not None:
        return since
    for phrase, hours in RELATIVE_HOURS:
        if has(said, phrase):
            return hours
    found = _quantities(text)
    lengths = [value for kind, value in found if kind == "hours"]
    if lengths:
        return sum(lengths)
    if read_confirm(text) == "unsure":
        return "unsure"
    if len(found) == 1 and len(said.split()) <= 2:
        return found[0][1]
    return None


def describe_hours(hours: float) -> str:
    """A rough, readable length of time, to show the officer how an answer was read."""
    if isinstance(hours, Estimate):
        return hours.description
    if hours < 1:
        minutes = round(hours * 60)
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    if hours < 48:
        whole = round(hours, 1) if hours < 10 else round(hours)
        shown = int(whole) if whole == int(whole) else whole
        return f"about {shown} hour{'s' if whole != 1 else ''}"
    days = round(hours / 24, 1)
    shown_days = int(days) if days == int(days) else days
    return f"about {shown_days} days"


@dataclass(frozen=True)
class AgeReading:
    """An age read from an answer, or why it cannot be taken.

    Attributes:
        value: the age, "unsure", or None when no number was said.
        other: the other age it may be, when only a year of birth was given (born 2010 is 15
            or 16, depending on the birthday).
        shown: how it was read, to say back ("16 years", "born 2010: 15 or 16").
        retry: why it cannot be taken ("0 can't be an age here"), said before asking again.
        said: what the age was read from, without the ages it gives ("born 2010", "year 9 at
            school"), to ask which of the two it is; None for an age said as a number.
    """

    value: float | str | None
    other: float | None = None
    shown: str | None = None
    retry: str | None = None
    said: str | None = None


_WRITTEN_BIRTH = re.compile(
    rf"(?<![\w.])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b,?\s+(\d{{4}}|\d{{2}})(?![\w.])"
)
"""A date of birth with the month in words ("3rd of May 2011", "3 may 11")."""
_DOTTED_BIRTH = re.compile(r"(?<![\w./])(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})(?![\w/]|\.\d)")
"""A date of birth written with dots, dashes or slashes, UK order ("3.5.11", "03-05-2011")."""


def _birth_date(text: str, local: dt.datetime) -> tuple[int, int | None, str] | None:
    """An exact age from a written date of birth, or None when the answer holds none.

    "d.o.b. 3.5.11" must never be read as 3.5 years (a band that changes what the law says
    about the child): a day, a month and a year together are a date, whatever joins them.
    A two-digit year is this century's unless that would be in the future.
    """
    lowered = text.lower()
    found = _WRITTEN_BIRTH.search(lowered)
    if found is not None:
        day, month, year = int(found[1]), MONTHS.get(words(found[2])), found[3]
    elif (dotted := _DOTTED_BIRTH.search(lowered)) is not None:
        day, month, year = int(dotted[1]), int(dotted[2]), dotted[3]
    else:
        return None
    whole = int(year)
    if len(year) == 2:
        whole += 2000 if 2000 + whole <= local.year else 1900
    try:
        born = dt.date(whole, month or 0, day)
    except ValueError:
        return None
    return _exact_age(born, local)


def _exact_age(born: dt.date, local: dt.datetime) -> tuple[int, None, str] | None:
    """The age on a date of birth, and what it was read from; None for a birth still to come."""
    if born > local.date():
        return None
    had = (local.month, local.day) >= (born.month, born.day)
    age = local.year - born.year - (0 if had else 1)
    return age, None, f"born {born:%d/%m/%Y}"


def _birth(heard: list[str], local: dt.datetime) -> tuple[int, int | None, str] | None:
    """An age from a date or year of birth ("dob 03/04/2012", "born 2010"), and its source.

    Returns (age, the other possible age or None, what it was read from: "born 2010"). A day
    and month before the year give the exact age (UK order, day first); a year alone gives two
    possible ages.
    """
    for index, word in enumerate(heard):
        if not (len(word) == 4 and word.isdigit() and 1900 <= int(word) <= local.year):
            continue
        year = int(word)
        if index >= 2 and heard[index - 2].isdigit() and heard[index - 1].isdigit():
            day, month = int(heard[index - 2]), int(heard[index - 1])
            try:
                exact = _exact_age(dt.date(year, month, day), local)
            except ValueError:
                exact = None
            if exact is not None:
                return exact
        older = local.year - year
        return older - 1, older, f"born {year}"
    return None


SCHOOL_YEAR = word_list(_NUMBERS.school_year)
AGE_TO_COME = word_list(_NUMBERS.age_to_come)
AGE_SOON = word_list(_NUMBERS.age_soon)


def _school_year(heard: list[str]) -> tuple[int, int, str] | None:
    """An age from a school year ("year 9 at school": 13 or 14), and what it was read from."""
    for at in range(len(heard) - 1):
        for name in SCHOOL_YEAR:
            size = len(name.split())
            number = heard[at + size] if at + size < len(heard) else ""
            after = heard[at + size + 1] if at + size + 1 < len(heard) else ""
            if (
                heard[at : at + size] == name.split()
                and number.isdigit()
                and 1 <= int(number) <= 13
                and after not in ("old", "olds")
                and not (at and heard[at - 1].isdigit())  # "15 year old" is an age
            ):
                young = int(number) + _NUMBERS.school_starts
                return young, young + 1, f"year {number} at school"
    return None


def _shown_from(said: str, age: int, other: int | None) -> str:
    """How an age read from a birth or a school year is said back ("born 2010: 15 or 16")."""
    return f"{said}: {age}" if other is None else f"{said}: {max(age, 0)} or {other}"


def _to_come(heard: list[str], value: float) -> bool:
    """Whether the age said is one not reached yet ("turns 18 tomorrow", "17 next week")."""
    said = f" {' '.join(heard)} "
    number = f"{value:g}"
    return any(f" {word} {number} " in said for word in AGE_TO_COME) or any(
        f" {number} {word} " in said for word in AGE_SOON
    )


def _apparent(said: str) -> str | None:
    """What follows the last word for how someone looks ("looks about 15"), if a number does."""
    heard = said.split()
    for at in range(len(heard) - 1, -1, -1):
        took = max(
            (len(p.split()) for p in APPEARANCE if heard[at : at + len(p.split())] == p.split()),
            default=0,
        )
        if took and at + took < len(heard):
            after = heard[at + took :]
            if after[0] == "like":
                after = after[1:]
            if after and (_number(after[0]) is not None or read_number(after[0]) is not None):
                return " ".join(after)
    return None


LONGEST_SAID_BACK = 1000
"""A number outside a question's range is said back only below this: a longer one may be a
phone number, a date of birth run together or a crime reference."""

AGE_BEFORE = word_list(_NUMBERS.age_before)
AGE_AFTER = word_list(_NUMBERS.age_after)
_ONE_A_CHILD = re.compile(
    r"\b({})\s+(?:one|1)\b".format(
        "|".join(re.escape(word.lower()) for word in _NUMBERS.one_is_a_child_after) or "(?!)"
    ),
    re.IGNORECASE,
)


_ONE_AS_A_WORD = {said.lower(): meant for said, meant in _NUMBERS.one_as_a_word.items()}
"""Read from the text as typed: :func:`words` would already have made "one" a 1."""
_ONE_AS_A_WORD_SAID = re.compile(
    r"\b({})\b".format("|".join(map(re.escape, _ONE_AS_A_WORD)).replace("\\ ", r"\s+") or "(?!)"),
    re.IGNORECASE,
)


def _one_is_a_child(text: str) -> str:
    """Read "the older one is 15" and "no one knows" with "one" a child or nobody, never 1."""
    text = _ONE_AS_A_WORD_SAID.sub(lambda m: _ONE_AS_A_WORD[" ".join(m[1].lower().split())], text)
    return _ONE_A_CHILD.sub(lambda m: f"{m[1]} child", text)


def _age_stated(text: str) -> str | None:
    """The words giving the age where an answer holds other numbers too ("flat 9, aged 15").

    Only an age said with its own words ("aged 15", "15 years old") is picked out of the rest:
    a house number or a phone number must never be read as the child's age.
    """
    heard = _duration_words(text)
    numbers = [at for at, word in enumerate(heard) if _number(word) is not None]
    if len(numbers) < 2:
        return None
    for at in numbers:
        after = " ".join(heard[at + 1 : at + 4])
        if any(after == cue or after.startswith(cue + " ") for cue in AGE_AFTER):
            return " ".join(heard[at : at + 3])
        before = " ".join(heard[max(0, at - 2) : at])
        if any(before == cue or before.endswith(" " + cue) for cue in AGE_BEFORE):
            return f"aged {heard[at]}"
    return None


def read_age(
    text: str,
    now: float | None = None,
    *,
    least: float | None = None,
    most: float | None = None,
    unit: str = "years",
) -> AgeReading:
    """An age (or another number a step asks for), read as a colleague would.

    "16", "sixteen", "nan says hes 14" (the grandmother is no number), "1 6" (two digits said
    apart, as a speech recogniser writes "one six"), "dob 2010" (15 or 16, from the event's
    time ``now``). A number outside ``least`` and ``most``, the believable range the step sets,
    is not taken: "0" or "2010" as an age is asked again with the reason.
    """
    after = corrected_part(text)
    if after is not None:
        # "14, no wait 15": what was said last counts.
        corrected = read_age(after, now, least=least, most=most, unit=unit)
        if corrected.value is not None or corrected.retry is not None:
            return corrected
    text = _one_is_a_child(_fractions(text))
    said = words(text)
    heard = said.split()
    stated = _age_stated(text) if unit == "years" else None
    if stated is not None:
        # "lives at 14 Acacia Avenue, aged 15": the age said as an age, not the house number.
        return read_age(stated, now, least=least, most=most, unit=unit)
    looked = _apparent(_time_words(text))
    if looked is not None:
        # "says hes 18 but looks about 15": the age they appear is the one asked for, and
        # said to be so where the answer gave another age too.
        apparent = read_age(looked, now, least=least, most=most, unit=unit)
        if isinstance(apparent.value, float) and apparent.value != read_number(text):
            return AgeReading(
                apparent.value,
                apparent.other,
                f"{apparent.shown}, as they appear",
                said=f"{apparent.said}, as they appear" if apparent.said else None,
            )
    if now is not None and heard:
        birth = _birth_date(text, _local(now)) or _birth(heard, _local(now))
        if birth is not None:
            age, other, said = birth
            shown = _shown_from(said, age, other)
            if age < 0 or (least is not None and (other or age) < least):
                return AgeReading(None, retry=f"{shown.capitalize()} isn't a believable age here.")
            return AgeReading(
                float(age), float(other) if other is not None else None, shown, said=said
            )
    school = _school_year(heard)
    if school is not None and unit == "years":
        young, old, said = school
        return AgeReading(float(young), float(old), _shown_from(said, young, old), said=said)
    if (
        len(heard) == 2
        and all(len(w) == 1 and w.isdigit() for w in heard)
        and heard[0] != "0"
        and not _DECIMAL.search(text)
    ):
        value: float | str | None = float(heard[0] + heard[1])
    else:
        value = read_number(text)
    if value is None or isinstance(value, str):
        return AgeReading(value)
    shown = f"{value:g} {unit}"
    if unit == "years" and value >= 1 and _to_come(heard, value):
        # "turns 18 tomorrow": 17 today, still a child.
        shown = f"{value - 1:g} {unit}, not yet {value:g}"
        value -= 1
    outside = (least is not None and value < least) or (most is not None and value > most)
    if outside:
        # A long number is a phone number or a reference more often than a slip: it is not
        # said back ("7.7009e+09"), so personal data typed here never comes back in a reply.
        said_back = f"{value:g}" if value < LONGEST_SAID_BACK else "That long number"
        return AgeReading(
            None, retry=f"{said_back} doesn't look right here: give the number in {unit}."
        )
    return AgeReading(value, shown=shown)
