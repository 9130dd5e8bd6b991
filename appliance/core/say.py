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
"""

from __future__ import annotations

import math

__all__ = (
    "LANGUAGES",
    "MAX_NUMBER",
    "SAY_PROMPTS",
    "callback_confirmed",
    "callback_offer",
    "digits",
    "duration",
    "key_prompt",
    "number",
    "overflow_callback_offer",
    "position_announcement",
    "queue_full",
    "wait_announcement",
)

LANGUAGES = ("en", "zh")
MAX_NUMBER = 99_999_999  # the largest number the prompts can say: 九千九百九十九万…, 99 million…
SECONDS_PER_MINUTE = 60

_KEYS = {**{str(d): f"digit-{d}" for d in range(10)}, "*": "key-star", "#": "key-hash"}
_TENS = tuple(f"num-{t}" for t in range(20, 100, 10))

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
