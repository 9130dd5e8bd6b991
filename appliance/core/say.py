"""What to say to a waiting caller, as the list of prompt names to play one after another.

Pure: no files, no clock. The names are those of the WAV files under ``prompts/<language>/``;
the caller of these functions picks the language folder. Every name any function here can
return is in ``SAY_PROMPTS``, and every one of them is recorded in both languages.

Conventions (the prompt texts are in ``packaging/make_prompts.py``):

* English numbers are said the US way, without "and": 105 is "one hundred five", 2024 is
  "two thousand twenty four". That needs no "and" word and matches the en-us voice.
* Chinese numbers follow the standard rules: 十五 (not 一十五) when the number starts with ten,
  but 一百一十五 inside; one 零 for each run of zeros (一千零五, 一万零五十); none for trailing zeros.
* Chinese 两 and 二: 两 is said for a 2 that counts 百, 千 or 万 (两百, 一千两百, 两万, 两千万);
  二 everywhere else (二十, 十二, 一百零二, 十二万, and 第二位 in an ordinal). A lone 2 counting
  minutes or seconds is 两 too (两分钟, 两秒), as a measure word requires.
* Amounts are in yuan, read back to the fen. English: "twelve yuan and fifty cents", "five
  cents", "one hundred yuan". Chinese, the way a teller reads them: 十二元五角, 五分, 一百元整,
  一百元零五分 (a 零 where the 角 is skipped), 两元两角两分 (a lone 2 counts each unit). A
  negative amount starts with "minus" / 负.
* Dates: English "March third, twenty twenty six" (a year in two pairs, "two thousand five"
  and "nineteen oh five" where a pair would sound wrong); Chinese 二零二六年三月三日 (the year
  digit by digit, month and day as numbers: 二月, 二日, never 两).
"""

from __future__ import annotations

import datetime
import math
import re

__all__ = (
    "LANGUAGES",
    "MAX_NUMBER",
    "SAY_PROMPTS",
    "amount",
    "callback_confirmed",
    "callback_offer",
    "date",
    "digits",
    "duration",
    "key_prompt",
    "number",
    "overflow_callback_offer",
    "position_announcement",
    "queue_full",
    "value",
    "wait_announcement",
)

LANGUAGES = ("en", "zh")
MAX_NUMBER = 99_999_999  # the largest number the prompts can say: 九千九百九十九万…, 99 million…
SECONDS_PER_MINUTE = 60

_KEYS = {**{str(d): f"digit-{d}" for d in range(10)}, "*": "key-star", "#": "key-hash"}
_TENS = tuple(f"num-{t}" for t in range(20, 100, 10))
_MONTHS = tuple(f"month-{m}" for m in range(1, 13))  # January .. December
_ORDINALS = tuple(f"ordinal-{d}" for d in range(1, 32))  # first .. thirty first: English days

SAY_PROMPTS: tuple[str, ...] = (
    *(f"num-{n}" for n in range(20)),
    *_TENS,
    "num-hundred",
    "num-thousand",
    "num-ten-thousand",
    "num-million",
    "num-liang",
    *_KEYS.values(),
    "position-intro",
    "position-outro",
    "wait-intro",
    "wait-less-than-minute",
    "minute",
    "minutes",
    "second",
    "seconds",
    "callback-offer",
    "callback-confirmed",
    "overflow-callback",
    "queue-full",
    # Amounts
    "minus",
    "currency-yuan",
    "currency-jiao",
    "currency-cent",
    "currency-cents",
    "currency-and",
    "currency-exact",
    # Dates
    *_MONTHS,
    *_ORDINALS,
    "date-year",
    "date-month",
    "date-day",
    "date-oh",
)


# --------------------------------------------------------------------------------------------
# Numbers, digits, durations
# --------------------------------------------------------------------------------------------


def number(n: int, language: str) -> list[str]:
    """The words for the whole number `n` (0..MAX_NUMBER), e.g. 21 -> ["num-20", "num-1"]."""
    _check_language(language)
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"Only whole numbers can be spoken, not {n!r}.")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"Only numbers from 0 to {MAX_NUMBER:,} can be spoken, not {n:,}.")
    if n == 0:
        return ["num-0"]
    return _en_number(n) if language == "en" else _zh_number(n)


def digits(text: str, language: str) -> list[str]:
    """One prompt per key, for reading out a digit string such as an account number."""
    _check_language(language)
    return [key_prompt(key) for key in text]


def key_prompt(key: str) -> str:
    """The prompt naming a phone key: "digit-0".."digit-9", "key-star" or "key-hash"."""
    try:
        return _KEYS[key]
    except KeyError:
        raise ValueError(f"A phone key is one of 0-9, * or #, not {key!r}.") from None


def duration(seconds: int, language: str) -> list[str]:
    """Minutes and seconds, e.g. 90 -> "1 minute 30 seconds"; under a minute, seconds only."""
    _check_language(language)
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"A duration is a whole number of seconds, 0 or more, not {seconds!r}.")
    minutes, rest = divmod(seconds, SECONDS_PER_MINUTE)
    if minutes == 0:
        return _count(rest, "second", language)
    words = _count(minutes, "minute", language)
    if rest:
        words += _count(rest, "second", language)
    return words


def _count(n: int, unit: str, language: str) -> list[str]:
    """`n` followed by the unit, plural unless n is 1 (the Chinese recordings of both are the same)."""
    words = number(n, language)
    if language == "zh":
        words = _liang(words)
    return words + [unit if n == 1 else f"{unit}s"]


def _en_number(n: int) -> list[str]:
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    words: list[str] = []
    if millions:
        words += _en_below_1000(millions) + ["num-million"]
    if thousands:
        words += _en_below_1000(thousands) + ["num-thousand"]
    if units:
        words += _en_below_1000(units)
    return words


def _en_below_1000(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [f"num-{hundreds}", "num-hundred"] if hundreds else []
    if rest < 20:
        return words + ([f"num-{rest}"] if rest else [])
    tens, ones = divmod(rest, 10)
    return words + [f"num-{tens * 10}"] + ([f"num-{ones}"] if ones else [])


def _zh_number(n: int) -> list[str]:
    """Chinese groups digits by four: 万 counts ten thousands, and its count says itself."""
    upper, lower = divmod(n, 10_000)
    if not upper:
        return _zh_below_10000(lower, leading=True)
    words = _liang(_zh_below_10000(upper, leading=True)) + ["num-ten-thousand"]
    if lower and lower < 1000:
        words.append("num-0")  # 一万零五十: the skipped thousands are said as one 零
    if lower:
        words += _zh_below_10000(lower, leading=False)
    return words


def _zh_below_10000(n: int, leading: bool) -> list[str]:
    """1..9999 in Chinese. `leading` is True when nothing is said before it (十五, not 一十五)."""
    thousands, hundreds, tens, ones = (n // 1000, n // 100 % 10, n // 10 % 10, n % 10)
    words: list[str] = []
    zero_pending = False  # a run of zeros between said digits becomes one 零
    for digit, unit in ((thousands, "num-thousand"), (hundreds, "num-hundred")):
        if digit == 0:
            zero_pending = bool(words)
            continue
        words += ["num-0"] if zero_pending else []
        words += ["num-liang" if digit == 2 else f"num-{digit}", unit]
        zero_pending = False
    if tens:
        words += ["num-0"] if zero_pending else []
        if tens == 1:
            # 十一..十九 are single prompts; inside a number they follow 一: 一百一十五.
            return words + ([] if leading and not words else ["num-1"]) + [f"num-{10 + ones}"]
        words.append(f"num-{tens * 10}")
        zero_pending = False
    elif words:
        zero_pending = True
    if ones:
        words += ["num-0"] if zero_pending else []
        words.append(f"num-{ones}")
    return words


def _liang(words: list[str]) -> list[str]:
    """A lone 2 that counts something is 两, not 二: 两万, 两分钟 (but 十二万, 十二分钟)."""
    return ["num-liang"] if words == ["num-2"] else words


# --------------------------------------------------------------------------------------------
# Amounts and dates
# --------------------------------------------------------------------------------------------

FEN_PER_YUAN = 100
MIN_YEAR = 1000  # a year said in two pairs needs four digits: "ten sixty six" is 1066
_AMOUNT = re.compile(r"([+-]?)([0-9]+)(?:\.([0-9]+))?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def amount(text: str, language: str) -> list[str]:
    """An amount of yuan such as "1234.50", "0.05" or "-20", read back to the fen.

    At most two decimals that are not zero: "12.345" is refused rather than rounded, since
    reading a customer a balance that is off by a fraction is worse than not reading it.
    """
    _check_language(language)
    negative, fen = _parse_amount(text)
    yuan, fen = divmod(fen, FEN_PER_YUAN)
    words = ["minus"] if negative and (yuan or fen) else []
    if language == "en":
        return words + _en_amount(yuan, fen)
    return words + _zh_amount(yuan, fen)


def date(text: str, language: str) -> list[str]:
    """A date written YYYY-MM-DD: "March third, twenty twenty six" / 二零二六年三月三日."""
    _check_language(language)
    day = _parse_date(text)
    if language == "en":
        return [f"month-{day.month}", f"ordinal-{day.day}", *_en_year(day.year)]
    year = [f"num-{digit}" for digit in str(day.year)]
    return [*year, "date-year", *number(day.month, language), "date-month", *number(day.day, language), "date-day"]


def value(text: str, as_: str, language: str) -> list[str]:
    """`text` read back as a "number", an "amount", a "date" or "digits" (a `say` node's `as`)."""
    if as_ == "amount":
        return amount(text, language)
    if as_ == "date":
        return date(text, language)
    if as_ == "digits":
        return digits(text, language)
    if as_ == "number":
        if not re.fullmatch(r"[0-9]+", text.strip()):
            raise ValueError(f"A number to be spoken is written with the digits 0-9 only, not {text!r}.")
        return number(int(text.strip()), language)
    raise ValueError(f"A value is said as a number, an amount, a date or digits, not as {as_!r}.")


def _parse_amount(text: str) -> tuple[bool, int]:
    """(negative, whole fen) of an amount written like "1234.5", "-20" or "+0.05"."""
    if not isinstance(text, str) or not (match := _AMOUNT.fullmatch(text.strip())):
        raise ValueError(f"An amount is written like 1234.50 or -20, with digits and a decimal point, not {text!r}.")
    sign, whole, decimals = match.groups()
    decimals = decimals or ""
    if decimals[2:].strip("0"):
        raise ValueError(f"An amount is said to the fen, two decimals at most, not {text!r}.")
    fen = int(whole) * FEN_PER_YUAN + int(decimals[:2].ljust(2, "0"))
    if fen // FEN_PER_YUAN > MAX_NUMBER:
        raise ValueError(f"Only amounts up to {MAX_NUMBER:,}.99 can be spoken, not {text!r}.")
    return sign == "-", fen


def _en_amount(yuan: int, fen: int) -> list[str]:
    """Twelve yuan and fifty cents; five cents; zero yuan. Yuan has no plural."""
    cents = [*number(fen, "en"), "currency-cent" if fen == 1 else "currency-cents"] if fen else []
    if not yuan and cents:
        return cents
    words = [*number(yuan, "en"), "currency-yuan"]
    return words + (["currency-and", *cents] if cents else [])


def _zh_amount(yuan: int, fen: int) -> list[str]:
    """十二元五角, 一百元整, 一百元零五分, 五分, 零元: the way a teller reads an amount out."""
    jiao, fen = divmod(fen, 10)
    if not yuan and not jiao and not fen:
        return ["num-0", "currency-yuan"]
    words = [*_liang(number(yuan, "zh")), "currency-yuan"] if yuan else []
    if not jiao and not fen:
        return words + ["currency-exact"]
    if jiao:
        words += [*_liang(number(jiao, "zh")), "currency-jiao"]
    elif words:
        words.append("num-0")  # 一百元零五分: the skipped 角 is said as 零
    if fen:
        words += [*_liang(number(fen, "zh")), "currency-cent"]
    return words


def _parse_date(text: str) -> datetime.date:
    if not isinstance(text, str) or not (match := _DATE.fullmatch(text.strip())):
        raise ValueError(f"A date is written YYYY-MM-DD, for example 2026-03-03, not {text!r}.")
    year, month, day = (int(part) for part in match.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"{text.strip()} is not a date in the calendar: check the month and the day.") from None
    if year < MIN_YEAR:
        raise ValueError(f"Only years from {MIN_YEAR} on can be spoken, not {year}.")
    return parsed


def _en_year(year: int) -> list[str]:
    """2026 "twenty twenty six", 1999 "nineteen ninety nine", 1900 "nineteen hundred",
    1905 "nineteen oh five", but 2000..2009 "two thousand (five)" as people say them."""
    century, rest = divmod(year, 100)
    if year % 1000 < 10:
        return number(year, "en")
    if rest == 0:
        return [*number(century, "en"), "num-hundred"]
    if rest < 10:
        return [*number(century, "en"), "date-oh", *number(rest, "en")]
    return [*number(century, "en"), *number(rest, "en")]


# --------------------------------------------------------------------------------------------
# Queue announcements
# --------------------------------------------------------------------------------------------


def position_announcement(position: int, language: str) -> list[str]:
    """"You are number 3 in line." for a caller at `position` (1 is next)."""
    if isinstance(position, int) and position < 1:
        raise ValueError(f"A caller's position in line starts at 1, not {position}.")
    return ["position-intro", *number(position, language), "position-outro"]


def wait_announcement(seconds: float | None, language: str, round_to: int) -> list[str]:
    """"Your expected wait is about 4 minutes." for an estimate in seconds; [] when unknown.

    The estimate is rounded UP to a multiple of `round_to` seconds: a caller told 4 minutes
    who waits 5 feels misled, one who waits 3 does not. An estimate under a minute that cannot
    be said as whole `round_to` seconds below 60 (or is 0) is "less than a minute".
    """
    _check_language(language)
    if isinstance(round_to, bool) or not isinstance(round_to, int) or round_to < 1:
        raise ValueError(f"The wait is rounded to a whole number of seconds, 1 or more, not {round_to!r}.")
    if seconds is None:
        return []
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"An expected wait is 0 seconds or more, not {seconds!r}.")
    rounded = math.ceil(seconds / round_to) * round_to
    if seconds < SECONDS_PER_MINUTE and not 0 < rounded < SECONDS_PER_MINUTE:
        return ["wait-less-than-minute"]
    return ["wait-intro", *duration(rounded, language)]


def callback_offer(key: str, language: str) -> list[str]:
    """"To be called back without losing your place in line, press 1." while waiting."""
    _check_language(language)
    return ["callback-offer", key_prompt(key)]


def overflow_callback_offer(key: str, language: str) -> list[str]:
    """"All our agents are still busy. To be called back when it is your turn, press 1." """
    _check_language(language)
    return ["overflow-callback", key_prompt(key)]


def callback_confirmed(language: str) -> list[str]:
    """Said once a callback is booked, before hanging up."""
    _check_language(language)
    return ["callback-confirmed"]


def queue_full(language: str) -> list[str]:
    """Said to a caller turned away because the queue has no room, before hanging up."""
    _check_language(language)
    return ["queue-full"]


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"Prompts are recorded in {' and '.join(LANGUAGES)}, not in {language!r}.")
