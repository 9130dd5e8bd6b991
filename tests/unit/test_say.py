"""Waiting callers hear their place in line and expected wait, strung together from short prompts."""

from __future__ import annotations

import datetime
import tomllib
import wave
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from appliance.core import say
from appliance.core.prompts import IVR_PROMPTS, PROMPT_NAMES
from appliance.core.say import SAY_PROMPTS
from appliance.ivr.check import FlowContext, check_flow, format_problem
from appliance.ivr.nodes import NODE_KINDS, Flow, Language, Menu, QueueNode, prompt_names

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "appliance" / "prompts"

# Short spellings for the expectations below: a word per prompt, as a reader would write them.
ZH = {
    **{f"num-{n}": w for n, w in enumerate("零一二三四五六七八九")},
    **{f"num-{10 + n}": "十" + w for n, w in enumerate("一二三四五六七八九", start=1)},
    "num-10": "十",
    **{f"num-{t * 10}": w + "十" for t, w in enumerate("二三四五六七八九", start=2)},
    "num-hundred": "百", "num-thousand": "千", "num-ten-thousand": "万", "num-liang": "两",
    "minute": "分钟", "minutes": "分钟", "second": "秒", "seconds": "秒",
    "minus": "负", "currency-yuan": "元", "currency-jiao": "角", "currency-cent": "分", "currency-exact": "整",
    "date-year": "年", "date-month": "月", "date-day": "日",
}
EN = {
    **{f"num-{n}": w for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split())},
    **{f"num-{t * 10}": w for t, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)},
    "num-hundred": "hundred", "num-thousand": "thousand", "num-million": "million",
    "minute": "minute", "minutes": "minutes", "second": "second", "seconds": "seconds",
    "minus": "minus", "currency-yuan": "yuan", "currency-and": "and", "currency-cent": "cent",
    "currency-cents": "cents", "date-oh": "oh",
    **{f"month-{m}": w for m, w in enumerate(
        "January February March April May June July August September October November December".split(), 1)},
    **{f"ordinal-{d}": w for d, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)},
    "ordinal-21": "twenty first", "ordinal-22": "twenty second", "ordinal-30": "thirtieth", "ordinal-31": "thirty first",
}


def zh(names: list[str]) -> str:
    return "".join(ZH.get(name, f"<{name}>") for name in names)


def en(names: list[str]) -> str:
    return " ".join(EN.get(name, f"<{name}>") for name in names)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "零"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (21, "二十一"),
        (100, "一百"), (102, "一百零二"), (105, "一百零五"), (110, "一百一十"), (115, "一百一十五"),
        (1000, "一千"), (1005, "一千零五"), (1010, "一千零一十"), (1100, "一千一百"), (2024, "两千零二十四"),
        (10000, "一万"), (10010, "一万零一十"), (10050, "一万零五十"), (10500, "一万零五百"),
        (100000, "十万"), (100015, "十万零一十五"), (101000, "十万一千"), (150000, "十五万"),
        (200000, "二十万"), (1000000, "一百万"), (20020002, "两千零二万零二"),
        (99999999, "九千九百九十九万九千九百九十九"),
    ],
)
def test_chinese_numbers_follow_the_spoken_rules_for_ten_and_zero(n, words):
    assert zh(say.number(n, "zh")) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (2, "二"), (12, "十二"), (22, "二十二"), (102, "一百零二"),
        (200, "两百"), (1200, "一千两百"), (2000, "两千"), (20000, "两万"), (22000, "两万两千"),
        (120000, "十二万"), (2000000, "两百万"), (20000000, "两千万"), (22222222, "两千两百二十二万两千两百二十二"),
    ],
)
def test_chinese_says_liang_for_a_two_counting_hundreds_thousands_or_ten_thousands(n, words):
    assert zh(say.number(n, "zh")) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"), (7, "seven"), (15, "fifteen"), (21, "twenty one"),
        (100, "one hundred"), (105, "one hundred five"), (115, "one hundred fifteen"),
        (1005, "one thousand five"), (2024, "two thousand twenty four"), (10050, "ten thousand fifty"),
        (200000, "two hundred thousand"), (1000000, "one million"), (20020002, "twenty million twenty thousand two"),
        (99999999, "ninety nine million nine hundred ninety nine thousand nine hundred ninety nine"),
    ],
)
def test_english_numbers_are_said_the_us_way_without_and(n, words):
    assert en(say.number(n, "en")) == words


def test_a_number_is_a_list_of_prompt_names():
    assert say.number(21, "en") == ["num-20", "num-1"]
    assert say.number(115, "zh") == ["num-1", "num-hundred", "num-1", "num-15"]


@pytest.mark.parametrize("n", [-1, 100_000_000])
def test_numbers_outside_the_sayable_range_are_refused(n):
    with pytest.raises(ValueError, match="Only numbers from 0 to 99,999,999 can be spoken"):
        say.number(n, "en")


@pytest.mark.parametrize("n", [1.5, "3", True])
def test_only_whole_numbers_can_be_spoken(n):
    with pytest.raises(ValueError, match="Only whole numbers can be spoken"):
        say.number(n, "zh")


@pytest.mark.parametrize("language", ["fr", "EN", "", "zh-TW"])
def test_an_unrecorded_language_is_refused(language):
    with pytest.raises(ValueError, match="Prompts are recorded in en and zh, not in"):
        say.number(5, language)


@given(st.integers(0, say.MAX_NUMBER), st.sampled_from(say.LANGUAGES))
def test_every_number_in_range_is_said_with_recorded_prompts_only(n, language):
    words = say.number(n, language)
    assert words
    assert set(words) <= set(SAY_PROMPTS)


@given(st.integers(1, say.MAX_NUMBER))
def test_chinese_never_starts_with_one_ten_nor_doubles_or_ends_on_zero(n):
    words = say.number(n, "zh")
    assert words[:2] != ["num-1", "num-10"]
    assert words[-1] != "num-0"
    assert all(not (a == b == "num-0") for a, b in zip(words, words[1:]))


# --------------------------------------------------------------------------------------------
# Digits and keys
# --------------------------------------------------------------------------------------------


def test_digit_strings_are_read_key_by_key_with_the_digit_prompts():
    assert say.digits("10*#", "en") == ["digit-1", "digit-0", "key-star", "key-hash"]
    assert say.digits("", "zh") == []


@pytest.mark.parametrize(("key", "prompt"), [("0", "digit-0"), ("9", "digit-9"), ("*", "key-star"), ("#", "key-hash")])
def test_each_phone_key_has_its_prompt(key, prompt):
    assert say.key_prompt(key) == prompt


@pytest.mark.parametrize("key", ["A", "12", "", " "])
def test_a_key_that_is_not_on_a_phone_is_refused(key):
    with pytest.raises(ValueError, match="A phone key is one of 0-9, \\* or #"):
        say.key_prompt(key)


def test_digits_refuse_anything_but_phone_keys():
    with pytest.raises(ValueError, match="A phone key is one of"):
        say.digits("12-34", "en")


# --------------------------------------------------------------------------------------------
# Durations and the expected wait
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (0, "zero seconds", "零秒"),
        (1, "one second", "一秒"),
        (2, "two seconds", "两秒"),
        (45, "forty five seconds", "四十五秒"),
        (60, "one minute", "一分钟"),
        (61, "one minute one second", "一分钟一秒"),
        (90, "one minute thirty seconds", "一分钟三十秒"),
        (120, "two minutes", "两分钟"),
        (122, "two minutes two seconds", "两分钟两秒"),
        (720, "twelve minutes", "十二分钟"),
        (3600, "sixty minutes", "六十分钟"),
    ],
)
def test_durations_are_minutes_and_seconds_singular_for_one(seconds, english, chinese):
    assert en(say.duration(seconds, "en")) == english
    assert zh(say.duration(seconds, "zh")) == chinese


@pytest.mark.parametrize("seconds", [-1, 1.5])
def test_a_duration_is_whole_seconds_from_zero(seconds):
    with pytest.raises(ValueError, match="A duration is a whole number of seconds, 0 or more"):
        say.duration(seconds, "en")


@pytest.mark.parametrize(
    ("seconds", "round_to", "said"),
    [
        (61, 60, "two minutes"),
        (60, 60, "one minute"),
        (240, 60, "four minutes"),
        (240.01, 60, "five minutes"),
        (119.5, 60, "two minutes"),
        (20, 30, "thirty seconds"),
        (30, 30, "thirty seconds"),
        (90, 30, "one minute thirty seconds"),
        (91, 30, "two minutes"),
        (7, 1, "seven seconds"),
        (0.2, 1, "one second"),
    ],
)
def test_the_expected_wait_is_rounded_up_never_down(seconds, round_to, said):
    words = say.wait_announcement(seconds, "en", round_to)
    assert words[0] == "wait-intro"
    assert en(words[1:]) == said


@pytest.mark.parametrize(("seconds", "round_to"), [(0, 60), (1, 60), (59.9, 60), (0, 30), (45, 30), (59, 1000)])
def test_a_wait_under_a_minute_that_rounding_cannot_say_in_seconds_is_less_than_a_minute(seconds, round_to):
    assert say.wait_announcement(seconds, "en", round_to) == ["wait-less-than-minute"]
    assert say.wait_announcement(seconds, "zh", round_to) == ["wait-less-than-minute"]


def test_the_chinese_wait_counts_two_minutes_with_liang():
    assert say.wait_announcement(61, "zh", 60) == ["wait-intro", "num-liang", "minutes"]


def test_an_unknown_wait_is_not_announced():
    assert say.wait_announcement(None, "zh", 60) == []


@pytest.mark.parametrize("round_to", [0, -60])
def test_the_wait_is_rounded_to_at_least_a_second(round_to):
    with pytest.raises(ValueError, match="rounded to a whole number of seconds, 1 or more"):
        say.wait_announcement(100, "en", round_to)


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_a_negative_or_infinite_estimate_is_a_bug_not_an_announcement(seconds):
    with pytest.raises(ValueError, match="An expected wait is 0 seconds or more"):
        say.wait_announcement(seconds, "en", 60)


# --------------------------------------------------------------------------------------------
# Position, callback offers and goodbyes
# --------------------------------------------------------------------------------------------


def test_the_caller_hears_their_place_in_line():
    assert say.position_announcement(3, "en") == ["position-intro", "num-3", "position-outro"]
    assert say.position_announcement(2, "zh") == ["position-intro", "num-2", "position-outro"]  # 第二位
    assert say.position_announcement(15, "zh") == ["position-intro", "num-15", "position-outro"]


def test_there_is_no_place_in_line_before_the_first():
    with pytest.raises(ValueError, match="position in line starts at 1, not 0"):
        say.position_announcement(0, "en")


def test_callback_offers_end_with_the_key_to_press():
    assert say.callback_offer("1", "en") == ["callback-offer", "digit-1"]
    assert say.callback_offer("#", "zh") == ["callback-offer", "key-hash"]
    assert say.overflow_callback_offer("*", "zh") == ["overflow-callback", "key-star"]


def test_an_offer_for_a_key_the_caller_cannot_press_is_refused():
    with pytest.raises(ValueError, match="A phone key is one of"):
        say.callback_offer("10", "en")
    with pytest.raises(ValueError, match="Prompts are recorded in en and zh"):
        say.overflow_callback_offer("1", "de")


def test_goodbyes_are_single_prompts():
    assert say.callback_confirmed("en") == ["callback-confirmed"]
    assert say.queue_full("zh") == ["queue-full"]


# --------------------------------------------------------------------------------------------
# Amounts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("1234.50", "one thousand two hundred thirty four yuan and fifty cents", "一千两百三十四元五角"),
        ("1234.5", "one thousand two hundred thirty four yuan and fifty cents", "一千两百三十四元五角"),
        ("100.00", "one hundred yuan", "一百元整"),
        ("100", "one hundred yuan", "一百元整"),
        ("100.05", "one hundred yuan and five cents", "一百元零五分"),
        ("0.05", "five cents", "五分"),
        ("0.01", "one cent", "一分"),
        ("0.50", "fifty cents", "五角"),
        ("0.55", "fifty five cents", "五角五分"),
        ("1.01", "one yuan and one cent", "一元零一分"),
        ("2.22", "two yuan and twenty two cents", "两元两角两分"),
        ("12.30", "twelve yuan and thirty cents", "十二元三角"),
        ("10.10", "ten yuan and ten cents", "十元一角"),
        ("20000", "twenty thousand yuan", "两万元整"),
        ("0", "zero yuan", "零元"),
        ("0.00", "zero yuan", "零元"),
        ("-20", "minus twenty yuan", "负二十元整"),
        ("-0.5", "minus fifty cents", "负五角"),
        ("-0.00", "zero yuan", "零元"),
        ("+7", "seven yuan", "七元整"),
        (" 3420.15 ", "three thousand four hundred twenty yuan and fifteen cents", "三千四百二十元一角五分"),
        ("12.3400", "twelve yuan and thirty four cents", "十二元三角四分"),
        ("99999999.99", "ninety nine million nine hundred ninety nine thousand nine hundred ninety nine yuan and "
         "ninety nine cents", "九千九百九十九万九千九百九十九元九角九分"),
    ],
)
def test_amounts_are_read_as_yuan_and_cents_or_as_a_teller_reads_them(text, english, chinese):
    assert en(say.amount(text, "en")) == english
    assert zh(say.amount(text, "zh")) == chinese


def test_an_amount_is_a_list_of_prompt_names():
    assert say.amount("1234.50", "en") == [
        "num-1", "num-thousand", "num-2", "num-hundred", "num-30", "num-4", "currency-yuan",
        "currency-and", "num-50", "currency-cents",
    ]
    assert say.amount("1234.50", "zh") == [
        "num-1", "num-thousand", "num-liang", "num-hundred", "num-30", "num-4", "currency-yuan", "num-5", "currency-jiao",
    ]
    assert say.amount("-100.05", "zh") == ["minus", "num-1", "num-hundred", "currency-yuan", "num-0", "num-5", "currency-cent"]
    assert say.amount("100", "zh") == ["num-1", "num-hundred", "currency-yuan", "currency-exact"]
    assert say.amount("0.05", "en") == ["num-5", "currency-cents"]


@pytest.mark.parametrize("text", ["", "abc", "12,50", "1,234.50", "1e3", "12.", ".5", "--5", "12.5.0", "¥12", "NaN", "١٢"])
def test_an_amount_that_is_not_written_with_digits_and_a_point_is_refused(text):
    with pytest.raises(ValueError, match="An amount is written like 1234.50 or -20"):
        say.amount(text, "en")


def test_an_amount_with_fractions_of_a_fen_is_refused_not_rounded():
    with pytest.raises(ValueError, match="An amount is said to the fen, two decimals at most, not '12.345'"):
        say.amount("12.345", "zh")


def test_an_amount_too_large_to_say_is_refused():
    with pytest.raises(ValueError, match="Only amounts up to 99,999,999.99 can be spoken"):
        say.amount("100000000", "en")


def test_an_amount_in_an_unrecorded_language_is_refused():
    with pytest.raises(ValueError, match="Prompts are recorded in en and zh"):
        say.amount("1", "fr")


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "english", "chinese"),
    [
        ("2026-03-03", "March third twenty twenty six", "二零二六年三月三日"),
        ("2026-12-31", "December thirty first twenty twenty six", "二零二六年十二月三十一日"),
        ("2027-02-22", "February twenty second twenty twenty seven", "二零二七年二月二十二日"),
        ("2000-01-01", "January first two thousand", "二零零零年一月一日"),
        ("2005-10-20", "October twentieth two thousand five", "二零零五年十月二十日"),
        ("2010-11-11", "November eleventh twenty ten", "二零一零年十一月十一日"),
        ("1999-05-30", "May thirtieth nineteen ninety nine", "一九九九年五月三十日"),
        ("1905-06-21", "June twenty first nineteen oh five", "一九零五年六月二十一日"),
        ("1900-07-02", "July second nineteen hundred", "一九零零年七月二日"),
    ],
)
def test_dates_are_read_month_day_year_in_english_and_year_month_day_in_chinese(text, english, chinese):
    assert en(say.date(text, "en")) == english
    assert zh(say.date(text, "zh")) == chinese


def test_a_date_is_a_list_of_prompt_names():
    assert say.date("2026-03-03", "en") == ["month-3", "ordinal-3", "num-20", "num-20", "num-6"]
    assert say.date("2026-03-03", "zh") == [
        "num-2", "num-0", "num-2", "num-6", "date-year", "num-3", "date-month", "num-3", "date-day",
    ]
    assert say.date("2026-02-12", "zh")[5:] == ["num-2", "date-month", "num-12", "date-day"]  # 二月, not 两月


@pytest.mark.parametrize("text", ["", "2026-3-3", "03/03/2026", "20260303", "2026-03-03T10:00", "tomorrow"])
def test_a_date_not_written_yyyy_mm_dd_is_refused(text):
    with pytest.raises(ValueError, match="A date is written YYYY-MM-DD, for example 2026-03-03"):
        say.date(text, "en")


@pytest.mark.parametrize("text", ["2026-02-29", "2026-13-01", "2026-04-31", "2026-00-10"])
def test_a_date_that_is_not_in_the_calendar_is_refused(text):
    with pytest.raises(ValueError, match=f"{text} is not a date in the calendar: check the month and the day"):
        say.date(text, "zh")


def test_a_year_before_1000_is_refused():
    with pytest.raises(ValueError, match="Only years from 1000 on can be spoken, not 999"):
        say.date("0999-01-01", "en")


# --------------------------------------------------------------------------------------------
# A say node's value
# --------------------------------------------------------------------------------------------


def test_a_say_nodes_value_is_read_as_its_kind():
    assert say.value("21", "number", "en") == ["num-20", "num-1"]
    assert say.value("0.05", "amount", "zh") == ["num-5", "currency-cent"]
    assert say.value("2026-03-03", "date", "en")[:2] == ["month-3", "ordinal-3"]
    assert say.value("12#", "digits", "zh") == ["digit-1", "digit-2", "key-hash"]


def test_a_say_nodes_value_that_does_not_fit_its_kind_is_refused():
    with pytest.raises(ValueError, match="A number to be spoken is written with the digits 0-9 only, not '1.5'"):
        say.value("1.5", "number", "en")
    with pytest.raises(ValueError, match="A value is said as a number, an amount, a date or digits, not as 'time'"):
        say.value("10:00", "time", "en")


# --------------------------------------------------------------------------------------------
# The recordings behind the names
# --------------------------------------------------------------------------------------------


def _shipped(name: str) -> bool:
    return all((PROMPTS_DIR / language / f"{name}.wav").is_file() for language in say.LANGUAGES)


@given(st.integers(-say.MAX_NUMBER * 100 - 99, say.MAX_NUMBER * 100 + 99), st.sampled_from(say.LANGUAGES))
def test_every_amount_is_said_with_prompts_shipped_in_both_languages(fen, language):
    text = f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"
    words = say.amount(text, language)
    assert words and set(words) <= set(SAY_PROMPTS)
    assert all(_shipped(name) for name in words)


@given(st.dates(datetime.date(1000, 1, 1), datetime.date(9999, 12, 31)), st.sampled_from(say.LANGUAGES))
def test_every_date_is_said_with_prompts_shipped_in_both_languages(day, language):
    words = say.date(day.isoformat(), language)
    assert words and set(words) <= set(SAY_PROMPTS)
    assert all(_shipped(name) for name in words)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("name", SAY_PROMPTS)
def test_every_announcement_prompt_is_shipped_as_8khz_mono_16bit_pcm(name, language):
    path = PROMPTS_DIR / language / f"{name}.wav"
    assert path.is_file(), f"{language}/{name}.wav is missing: run packaging/make_prompts.py"
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getcomptype()) == (8000, 1, 2, "NONE")
        assert 0.2 < wav.getnframes() / wav.getframerate() < 12.0


def test_doctor_checks_the_announcement_prompts_too():
    assert set(SAY_PROMPTS) <= set(PROMPT_NAMES)
    assert len(SAY_PROMPTS) == len(set(SAY_PROMPTS))
    assert len(PROMPT_NAMES) == len(set(PROMPT_NAMES))


def _default_prompts() -> set[str]:
    """Every prompt name a node of some kind plays when the flow names none."""
    names = set()
    for cls in NODE_KINDS.values():
        for field in msgspec.structs.fields(cls):
            if field.name in ("prompt", "thanks") or field.name.endswith("_prompt"):
                if field.default is not msgspec.NODEFAULT:
                    names.update(prompt_names(field.default))
    return names


def test_every_prompt_the_ivr_plays_by_default_is_shipped_and_checked_by_doctor():
    defaults = _default_prompts()
    assert {"invalid-choice", "no-input", "survey-question", "voicemail-intro", "callback-enter-number"} <= defaults
    assert defaults <= set(IVR_PROMPTS) <= set(PROMPT_NAMES)
    assert [name for name in IVR_PROMPTS if not _shipped(name)] == []


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_voicemail_greeting_ends_with_a_1khz_beep(language):
    from tests.support.audio import read_wav, tone_seconds, tone_starts_at

    samples, rate = read_wav(PROMPTS_DIR / language / "voicemail-intro.wav")
    beep = tone_starts_at(samples, rate, 1000, min_seconds=0.2)
    assert beep is not None and len(samples) / rate - beep <= 0.35
    assert tone_seconds(samples[: round(beep * rate)], rate, 1000) == 0  # only at the end


# --------------------------------------------------------------------------------------------
# The demo bank flow
# --------------------------------------------------------------------------------------------

DEMO_FLOW = Path(__file__).resolve().parents[2] / "appliance" / "demo" / "bank_flow.toml"


def test_the_demo_bank_flow_passes_the_checker_with_only_shipped_prompts():
    context = FlowContext(prompt_exists=lambda name, language: (PROMPTS_DIR / language / f"{name}.wav").is_file(),
                          queues=frozenset({"general", "cards"}))
    flow, problems = check_flow(DEMO_FLOW.read_text(), context)
    assert [format_problem(p, DEMO_FLOW.name) for p in problems] == []
    assert flow.languages == ("en", "zh")


def test_the_demo_bank_flow_offers_english_first_and_serves_card_callers_first():
    flow = msgspec.convert(tomllib.loads(DEMO_FLOW.read_text()), Flow)
    nodes = flow.nodes
    welcome = nodes[flow.start]
    assert isinstance(welcome, Menu)
    assert {key: nodes[target].language for key, target in welcome.choices.items()} == {"1": "en", "2": "zh"}
    assert isinstance(nodes[welcome.on_timeout], Language) and nodes[welcome.on_timeout].language == "en"
    main = nodes["main"]
    assert list(main.choices)[0] == "1" and main.choices["1"] == "cards"
    lost = nodes[nodes["cards"].choices["1"]]
    assert lost.priority == 8 and nodes[lost.next].queue == "cards"
    queues = [node for node in nodes.values() if isinstance(node, QueueNode)]
    assert {q.queue for q in queues} == {"general", "cards"}
    assert all(q.after == "survey" for q in queues) and nodes["survey"].__struct_config__.tag == "survey"
