#!/usr/bin/env python3
"""Regenerate the default voice prompts and the music on hold that Branchline ships.

Developers run this by hand when a prompt text changes; it is NOT run at build or install time,
and the WAV files it writes are committed to the repository:

    python3 packaging/make_prompts.py

Needs espeak-ng and sox on PATH (Debian: ``apt-get install espeak-ng sox``). The music on hold
is synthesised with the Python standard library only.

Every file is written as 8000 Hz, mono, 16-bit signed PCM WAV: the format the SIP engine's
8 kHz conference bridge plays without resampling.

    appliance/prompts/<lang>/<name>.wav   speech, one per entry of PROMPTS and language
    appliance/prompts/moh.wav             music on hold, language neutral, loops seamlessly

The music is made only of pure sine notes between 200 and 900 Hz (no harmonics, no noise, no
percussion, soft envelopes), so end-to-end tests can listen for 1300 Hz and 2100 Hz test tones
on a call without the music ever being mistaken for them.
"""

from __future__ import annotations

import argparse
import array
import fnmatch
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

# --------------------------------------------------------------------------------------------
# The prompt texts: review here. name -> {language -> text}. The language keys are the folder
# names under appliance/prompts/.
# --------------------------------------------------------------------------------------------

PROMPTS: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "Thank you for calling. Please hold, and the next available agent will be with you shortly.",
        "zh": "感谢您的来电。请稍候，我们将尽快为您接通客服代表。",
    },
    "sorry": {
        "en": "We are sorry, all our agents are busy. Please call again later. Goodbye.",
        "zh": "非常抱歉，目前所有客服代表都在忙。请稍后再拨。再见。",
    },
    "busy": {
        "en": "All our lines are busy at the moment. Please call again later.",
        "zh": "目前所有线路都在忙，请稍后再拨。",
    },
    "closed": {
        "en": "Our branch is closed right now. Please call again during opening hours.",
        "zh": "本网点现已下班，请在营业时间内来电。",
    },
    "digit-0": {"en": "zero", "zh": "零"},
    "digit-1": {"en": "one", "zh": "一"},
    "digit-2": {"en": "two", "zh": "二"},
    "digit-3": {"en": "three", "zh": "三"},
    "digit-4": {"en": "four", "zh": "四"},
    "digit-5": {"en": "five", "zh": "五"},
    "digit-6": {"en": "six", "zh": "六"},
    "digit-7": {"en": "seven", "zh": "七"},
    "digit-8": {"en": "eight", "zh": "八"},
    "digit-9": {"en": "nine", "zh": "九"},
    "key-star": {"en": "star", "zh": "星号键"},
    "key-hash": {"en": "pound", "zh": "井号键"},
    # Number words that appliance/core/say.py strings together. Every name has both languages
    # so one list serves both folders; a few are spoken in one language only: "num-million"
    # in English, "num-ten-thousand" (万) and "num-liang" (两, the counting two) in Chinese.
    "num-0": {"en": "zero", "zh": "零"},
    "num-1": {"en": "one", "zh": "一"},
    "num-2": {"en": "two", "zh": "二"},
    "num-3": {"en": "three", "zh": "三"},
    "num-4": {"en": "four", "zh": "四"},
    "num-5": {"en": "five", "zh": "五"},
    "num-6": {"en": "six", "zh": "六"},
    "num-7": {"en": "seven", "zh": "七"},
    "num-8": {"en": "eight", "zh": "八"},
    "num-9": {"en": "nine", "zh": "九"},
    "num-10": {"en": "ten", "zh": "十"},
    "num-11": {"en": "eleven", "zh": "十一"},
    "num-12": {"en": "twelve", "zh": "十二"},
    "num-13": {"en": "thirteen", "zh": "十三"},
    "num-14": {"en": "fourteen", "zh": "十四"},
    "num-15": {"en": "fifteen", "zh": "十五"},
    "num-16": {"en": "sixteen", "zh": "十六"},
    "num-17": {"en": "seventeen", "zh": "十七"},
    "num-18": {"en": "eighteen", "zh": "十八"},
    "num-19": {"en": "nineteen", "zh": "十九"},
    "num-20": {"en": "twenty", "zh": "二十"},
    "num-30": {"en": "thirty", "zh": "三十"},
    "num-40": {"en": "forty", "zh": "四十"},
    "num-50": {"en": "fifty", "zh": "五十"},
    "num-60": {"en": "sixty", "zh": "六十"},
    "num-70": {"en": "seventy", "zh": "七十"},
    "num-80": {"en": "eighty", "zh": "八十"},
    "num-90": {"en": "ninety", "zh": "九十"},
    "num-hundred": {"en": "hundred", "zh": "百"},
    "num-thousand": {"en": "thousand", "zh": "千"},
    "num-ten-thousand": {"en": "ten thousand", "zh": "万"},
    "num-million": {"en": "million", "zh": "百万"},
    "num-liang": {"en": "two", "zh": "两"},
    # Queue announcements: "position-intro <number> position-outro", "wait-intro <duration>",
    # "callback-offer <key>", "overflow-callback <key>".
    "position-intro": {"en": "You are number", "zh": "您现在排在第"},
    "position-outro": {"en": "in line.", "zh": "位。"},
    "wait-intro": {"en": "Your expected wait is about", "zh": "预计等待时间约为"},
    # A whole sentence, not spoken after wait-intro: "about less than a minute" is not English.
    "wait-less-than-minute": {"en": "Your expected wait is less than a minute.", "zh": "预计等待时间不到一分钟。"},
    "minute": {"en": "minute", "zh": "分钟"},
    "minutes": {"en": "minutes", "zh": "分钟"},
    "second": {"en": "second", "zh": "秒"},
    "seconds": {"en": "seconds", "zh": "秒"},
    "callback-offer": {
        "en": "To be called back without losing your place in line, press",
        "zh": "如需保留排队位置并由我们回电，请按",
    },
    "callback-confirmed": {
        "en": "Thank you. We will call you back at the number you are calling from, in the order you called. Goodbye.",
        "zh": "谢谢。我们将按您来电的先后顺序，回拨您现在使用的号码。再见。",
    },
    "overflow-callback": {
        "en": "All our agents are still busy. To be called back when it is your turn, press",
        "zh": "目前所有客服代表仍在忙。如需在轮到您时由我们回电，请按",
    },
    "queue-full": {
        "en": "All our agents are busy and the queue is full. Please call again later. Goodbye.",
        "zh": "目前所有客服代表都在忙，排队人数已满。请稍后再拨。再见。",
    },
    # Amounts, "minus <number> currency-yuan currency-and <number> currency-cents" / "负…元…角…分".
    # As with the numbers, a few are spoken in one language only: "currency-and" and
    # "currency-cents" in English, "currency-jiao" (角) and "currency-exact" (整) in Chinese.
    "minus": {"en": "minus", "zh": "负"},
    "currency-yuan": {"en": "[[ju:'A:n]]", "zh": "元"},  # espeak phonemes: yoo-AHN, not "yoo-un"
    "currency-jiao": {"en": "ten cents", "zh": "角"},
    "currency-cent": {"en": "cent", "zh": "分"},
    "currency-cents": {"en": "cents", "zh": "分"},
    "currency-and": {"en": "and", "zh": "和"},
    "currency-exact": {"en": "exactly", "zh": "整"},
    # Dates: "month-3 ordinal-3 <year>" in English, "<digits> date-year <n> date-month <n> date-day"
    # in Chinese. Month names and ordinals are said in English only, 年月日 and "oh" (1905,
    # "nineteen oh five") in one language each.
    "month-1": {"en": "January", "zh": "一月"},
    "month-2": {"en": "February", "zh": "二月"},
    "month-3": {"en": "March", "zh": "三月"},
    "month-4": {"en": "April", "zh": "四月"},
    "month-5": {"en": "May", "zh": "五月"},
    "month-6": {"en": "June", "zh": "六月"},
    "month-7": {"en": "July", "zh": "七月"},
    "month-8": {"en": "August", "zh": "八月"},
    "month-9": {"en": "September", "zh": "九月"},
    "month-10": {"en": "October", "zh": "十月"},
    "month-11": {"en": "November", "zh": "十一月"},
    "month-12": {"en": "December", "zh": "十二月"},
    "ordinal-1": {"en": "first", "zh": "第一"},
    "ordinal-2": {"en": "second", "zh": "第二"},
    "ordinal-3": {"en": "third", "zh": "第三"},
    "ordinal-4": {"en": "fourth", "zh": "第四"},
    "ordinal-5": {"en": "fifth", "zh": "第五"},
    "ordinal-6": {"en": "sixth", "zh": "第六"},
    "ordinal-7": {"en": "seventh", "zh": "第七"},
    "ordinal-8": {"en": "eighth", "zh": "第八"},
    "ordinal-9": {"en": "ninth", "zh": "第九"},
    "ordinal-10": {"en": "tenth", "zh": "第十"},
    "ordinal-11": {"en": "eleventh", "zh": "第十一"},
    "ordinal-12": {"en": "twelfth", "zh": "第十二"},
    "ordinal-13": {"en": "thirteenth", "zh": "第十三"},
    "ordinal-14": {"en": "fourteenth", "zh": "第十四"},
    "ordinal-15": {"en": "fifteenth", "zh": "第十五"},
    "ordinal-16": {"en": "sixteenth", "zh": "第十六"},
    "ordinal-17": {"en": "seventeenth", "zh": "第十七"},
    "ordinal-18": {"en": "eighteenth", "zh": "第十八"},
    "ordinal-19": {"en": "nineteenth", "zh": "第十九"},
    "ordinal-20": {"en": "twentieth", "zh": "第二十"},
    "ordinal-21": {"en": "twenty first", "zh": "第二十一"},
    "ordinal-22": {"en": "twenty second", "zh": "第二十二"},
    "ordinal-23": {"en": "twenty third", "zh": "第二十三"},
    "ordinal-24": {"en": "twenty fourth", "zh": "第二十四"},
    "ordinal-25": {"en": "twenty fifth", "zh": "第二十五"},
    "ordinal-26": {"en": "twenty sixth", "zh": "第二十六"},
    "ordinal-27": {"en": "twenty seventh", "zh": "第二十七"},
    "ordinal-28": {"en": "twenty eighth", "zh": "第二十八"},
    "ordinal-29": {"en": "twenty ninth", "zh": "第二十九"},
    "ordinal-30": {"en": "thirtieth", "zh": "第三十"},
    "ordinal-31": {"en": "thirty first", "zh": "第三十一"},
    "date-year": {"en": "year", "zh": "年"},
    "date-month": {"en": "month", "zh": "月"},
    "date-day": {"en": "day", "zh": "日"},
    "date-oh": {"en": "oh", "zh": "零"},
    # What the IVR's nodes play unless a flow names other prompts (appliance/ivr/nodes.py).
    "invalid-choice": {"en": "Sorry, that is not one of the choices.", "zh": "抱歉，您的选择无效。"},
    "no-input": {"en": "Sorry, we did not receive your entry.", "zh": "抱歉，我们没有收到您的按键。"},
    "invalid-entry": {"en": "Sorry, that entry is not valid.", "zh": "抱歉，您的输入有误。"},
    # "callback-confirm-number <digits> callback-confirm-choices"
    "callback-confirm-number": {"en": "We will call you back at", "zh": "我们将回拨以下号码："},
    "callback-confirm-choices": {
        "en": "To confirm, press 1. To enter another number, press 2.",
        "zh": "确认请按一，输入其他号码请按二。",
    },
    "callback-enter-number": {
        "en": "Please enter the number we should call, then press the pound key.",
        "zh": "请输入回拨号码，然后按井号键。",
    },
    # After a callback booked in the IVR, where the number may be one the caller entered:
    # "callback-confirmed" promises the number they are calling from.
    "callback-booked": {
        "en": "Thank you. We will call you back at that number as soon as we can. Goodbye.",
        "zh": "谢谢。我们将尽快回拨该号码。再见。",
    },
    # Ends with a beep (BEEP_AFTER): the caller speaks after it.
    "voicemail-intro": {
        "en": "Please leave your message after the tone, and press the pound key when you are done.",
        "zh": "请在提示音后留言，留言完毕请按井号键。",
    },
    "voicemail-saved": {
        "en": "Thank you. Your message has been saved, and we will get back to you. Goodbye.",
        "zh": "谢谢，您的留言已保存，我们会尽快与您联系。再见。",
    },
    "survey-question": {
        "en": "Please rate the call you just had, from 1, very poor, to 5, excellent.",
        "zh": "请为刚才的通话评分：一分为非常不满意，五分为非常满意。",
    },
    "survey-thanks": {"en": "Thank you for your feedback. Goodbye.", "zh": "感谢您的评价，再见。"},
    "goodbye": {"en": "Thank you for calling. Goodbye.", "zh": "感谢您的来电，再见。"},
    "transferring": {"en": "Please hold while we transfer your call.", "zh": "正在为您转接，请稍候。"},
    # The demo bank flow (appliance/demo/bank_flow.toml). The caller hears the two halves of the
    # language choice before choosing, so each is spoken in its own language in both folders
    # (SPOKEN_IN).
    "bank-language-en": {
        "en": "Thank you for calling Branchline Bank. For English, press 1.",
        "zh": "Thank you for calling Branchline Bank. For English, press 1.",
    },
    "bank-language-zh": {"en": "感谢致电本行。中文服务请按二。", "zh": "感谢致电本行。中文服务请按二。"},
    "bank-closed": {"en": "We are closed right now.", "zh": "现在是非营业时间。"},
    "bank-hours": {
        "en": "We are open Monday to Friday from nine in the morning to five in the afternoon, "
              "and on Saturday from nine to twelve noon.",
        "zh": "我们的营业时间为周一至周五上午九点至下午五点，周六上午九点至中午十二点。",
    },
    "bank-closed-menu": {
        "en": "To be called back, press 1. To leave a message, press 2.",
        "zh": "如需回电请按一，留言请按二。",
    },
    "bank-main-menu": {
        "en": "For card services, press 1. For your balance, press 2. For opening hours, press 3. "
              "To speak to an agent, press 0.",
        "zh": "银行卡服务请按一，查询余额请按二，营业时间请按三，人工服务请按零。",
    },
    "bank-cards-menu": {
        "en": "To report a lost or stolen card, press 1. For other card services, press 2. "
              "To go back, press star.",
        "zh": "银行卡挂失请按一，其他银行卡服务请按二，返回请按星号键。",
    },
    "bank-lost-card": {
        "en": "We are putting you through to our card team right away.",
        "zh": "我们将立即为您转接银行卡服务专员。",
    },
    "bank-enter-card": {
        "en": "Please enter your card number, then press the pound key.",
        "zh": "请输入您的卡号，然后按井号键。",
    },
    # "bank-balance-is <amount> bank-balance-pending"
    "bank-balance-is": {"en": "Your available balance is", "zh": "您的可用余额为"},
    "bank-balance-pending": {
        "en": "Transactions still in progress may not be included.",
        "zh": "处理中的交易可能尚未计入。",
    },
    "bank-balance-menu": {
        "en": "To hear it again, press 1. To speak to an agent, press 2. To end the call, press 9.",
        "zh": "重听请按一，人工服务请按二，结束通话请按九。",
    },
    # Then "transferring", on the way to an agent.
    "bank-balance-unavailable": {
        "en": "Sorry, we cannot check your balance right now.",
        "zh": "抱歉，暂时无法查询余额。",
    },
}

# Words strung together into numbers and durations keep only a short silence at each end: with
# the usual 0.2 s on both sides "one hundred five" would be read out one word per half second.
WORD_PREFIXES = ("num-", "key-", "currency-", "month-", "ordinal-", "date-")
WORDS = ("minute", "minutes", "second", "seconds", "minus")

# Prompts spoken in the same language in every folder (name -> the language of the voice).
SPOKEN_IN: dict[str, str] = {"bank-language-en": "en", "bank-language-zh": "zh"}

# Prompts that end with a beep, after which the caller speaks: a pure 1 kHz tone with soft
# 10 ms edges, BEEP_GAP_S after the speech's own trailing silence.
BEEP_AFTER = ("voicemail-intro",)
BEEP_HZ = 1000.0
BEEP_S = 0.3
BEEP_GAP_S = 0.3
BEEP_RAMP_S = 0.01
BEEP_PEAK_DBFS = -6.0

# espeak-ng voice and speaking rate (words per minute) per language. A little slower than
# espeak's default of 175 wpm: telephone audio is narrow-band and callers hear it once.
VOICES: dict[str, str] = {"en": "en-us", "zh": "cmn"}
RATES: dict[str, int] = {"en": 160, "zh": 160}

# espeak-ng 1.51 (Debian 12) has a known bug in the "cmn" voice: it turns each Chinese character
# into pinyin with a tone number and then reads that pinyin as English ("gan three xie four").
# The "cmn-latn-pinyin" voice reads the same characters correctly; it differs from "cmn" only in
# how it reads Latin letters, and the Chinese texts above have none. Used only when "cmn" is
# seen to misbehave, so a fixed espeak-ng gets the voice that was asked for.
ZH_FALLBACK_VOICE = "cmn-latn-pinyin"

SAMPLE_RATE = 8000
EDGE_SILENCE_S = 0.2  # silence kept before and after the speech
WORD_EDGE_SILENCE_S = 0.05  # the same for the WORDS and WORD_PREFIXES prompts
SPEECH_PEAK_DBFS = -3.0
MOH_PEAK_DBFS = -6.0

# --------------------------------------------------------------------------------------------
# Speech
# --------------------------------------------------------------------------------------------


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        sys.exit(f"make_prompts: '{tool}' is not on PATH (Debian: apt-get install espeak-ng sox)")
    return path


def _espeak_reads_as_english(voice: str, sample: str) -> bool:
    """True when espeak-ng switches to English to read `sample` in `voice` (the cmn bug)."""
    out = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", voice, sample],
        check=True, capture_output=True, text=True,
    ).stdout
    return "(en)" in out


def resolve_voices() -> dict[str, str]:
    voices = dict(VOICES)
    if _espeak_reads_as_english(voices["zh"], "感谢您的来电"):
        print(f"note: espeak-ng voice '{voices['zh']}' reads Chinese characters as English pinyin "
              f"(espeak-ng 1.51 bug); using '{ZH_FALLBACK_VOICE}' instead", file=sys.stderr)
        voices["zh"] = ZH_FALLBACK_VOICE
    return voices


def edge_silence(name: str) -> float:
    """Seconds of silence kept at each end of prompt `name`."""
    is_word = name in WORDS or name.startswith(WORD_PREFIXES)
    return WORD_EDGE_SILENCE_S if is_word else EDGE_SILENCE_S


def synthesise(text: str, voice: str, rate: int, out: Path, workdir: Path,
               edge_s: float = EDGE_SILENCE_S) -> None:
    """Speak `text` with espeak-ng and write it to `out` as 8 kHz mono 16-bit PCM WAV."""
    raw = workdir / "espeak.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(raw), text], check=True)
    tmp = out.with_name(out.name + ".tmp.wav")
    subprocess.run(
        [
            "sox", "-D", "-G",  # no dither (silence stays exactly zero, output repeatable); guard against clipping
            str(raw),
            "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer", str(tmp),
            # cut leading silence, then (reversed) trailing silence
            "silence", "1", "0.01", "0.1%", "reverse",
            "silence", "1", "0.01", "0.1%", "reverse",
            "rate", "-v", str(SAMPLE_RATE),
            "pad", str(edge_s), str(edge_s),
            "norm", str(SPEECH_PEAK_DBFS),
        ],
        check=True,
    )
    os.replace(tmp, out)


def append_beep(path: Path) -> None:
    """Add BEEP_GAP_S of silence and a BEEP_HZ beep to the end of the 8 kHz prompt at `path`."""
    with wave.open(str(path), "rb") as w:
        samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder != "little":
        samples.byteswap()
    samples.extend([0] * round(BEEP_GAP_S * SAMPLE_RATE))
    length, ramp = round(BEEP_S * SAMPLE_RATE), round(BEEP_RAMP_S * SAMPLE_RATE)
    amplitude = 32767 * 10 ** (BEEP_PEAK_DBFS / 20)
    w_step = 2.0 * math.pi * BEEP_HZ / SAMPLE_RATE
    for i in range(length):
        edge = min(i, length - 1 - i)
        env = 0.5 - 0.5 * math.cos(math.pi * edge / ramp) if edge < ramp else 1.0
        samples.append(int(round(amplitude * env * math.sin(w_step * i))))
    write_wav(path, samples)


# --------------------------------------------------------------------------------------------
# Music on hold: pure sines only, 200..900 Hz, stdlib only
# --------------------------------------------------------------------------------------------

MOH_LOW_HZ = 200.0
MOH_HIGH_HZ = 900.0
BEAT = 7500  # samples: 0.9375 s, i.e. 64 beats per minute
BEATS_PER_BAR = 4
BARS = 8  # 8 bars x 4 beats x 0.9375 s = exactly 30 s


def _hz(note: str) -> float:
    """Equal-tempered frequency of a note name such as 'A4', 'C5', 'F#4'."""
    names = {"C": -9, "D": -7, "E": -5, "F": -4, "G": -2, "A": 0, "B": 2}
    semis = names[note[0]]
    rest = note[1:]
    if rest.startswith("#"):
        semis, rest = semis + 1, rest[1:]
    elif rest.startswith("b"):
        semis, rest = semis - 1, rest[1:]
    semis += (int(rest) - 4) * 12
    return 440.0 * 2.0 ** (semis / 12.0)


# One chord per bar (C Am F G | C Am Dm G, which leads back to C at the loop point), voiced
# in the 220..400 Hz range as a soft pad.
CHORDS: list[tuple[str, ...]] = [
    ("C4", "E4", "G4"),
    ("A3", "C4", "E4"),
    ("A3", "C4", "F4"),
    ("B3", "D4", "G4"),
    ("C4", "E4", "G4"),
    ("A3", "C4", "E4"),
    ("A3", "D4", "F4"),
    ("B3", "D4", "G4"),
]

# Melody as (start beat, note, length in beats), a slow music-box line over the chords.
MELODY: list[tuple[float, str, float]] = [
    (0, "G4", 1), (1, "C5", 1), (2, "E5", 2),
    (4, "E5", 1), (5, "D5", 1), (6, "C5", 2),
    (8, "A4", 1), (9, "C5", 1), (10, "F5", 2),
    (12, "B4", 1), (13, "D5", 1), (14, "G5", 2),
    (16, "E5", 1), (17, "G5", 1), (18, "A5", 1), (19, "G5", 1),
    (20, "E5", 2), (22, "C5", 1), (23, "A4", 1),
    (24, "D5", 1), (25, "F5", 1), (26, "A5", 1), (27, "F5", 1),
    (28, "G5", 2), (30, "D5", 1), (31, "B4", 1),
]


def _add_note(buf: list[float], start: int, freq: float, amp: float, length: int,
              attack: int, decay_tau: float | None, release: int) -> None:
    """Add one pure sine note into the circular buffer `buf`, wrapping past its end.

    Envelope: raised-cosine attack, then either a hold (decay_tau None) or an exponential
    decay, then a raised-cosine release to exactly zero. Smooth edges keep every note's
    energy in a narrow band around its own frequency.
    """
    if not MOH_LOW_HZ <= freq <= MOH_HIGH_HZ:
        raise ValueError(f"music note {freq:.1f} Hz is outside {MOH_LOW_HZ}..{MOH_HIGH_HZ} Hz")
    n_total = len(buf)
    w = 2.0 * math.pi * freq / SAMPLE_RATE
    for i in range(length):
        if i < attack:
            env = 0.5 - 0.5 * math.cos(math.pi * i / attack)
        else:
            env = 1.0
        if decay_tau is not None:
            env *= math.exp(-i / (decay_tau * SAMPLE_RATE))
        left = length - i
        if left < release:
            env *= 0.5 - 0.5 * math.cos(math.pi * left / release)
        buf[(start + i) % n_total] += amp * env * math.sin(w * i)


def make_moh() -> array.array:
    total = BEAT * BEATS_PER_BAR * BARS
    buf = [0.0] * total
    bar = BEAT * BEATS_PER_BAR
    sec = SAMPLE_RATE

    # Pad: each chord swells in over 0.7 s and fades over 1.0 s into the next bar's chord.
    for b, chord in enumerate(CHORDS):
        for note in chord:
            _add_note(buf, b * bar, _hz(note), amp=0.10, length=bar + int(0.6 * sec),
                      attack=int(0.7 * sec), decay_tau=None, release=int(1.0 * sec))

    # Melody: soft 40 ms attack, bell-like decay, plus one quieter echo 1.5 beats later.
    for beat, note, beats in MELODY:
        start = int(beat * BEAT)
        length = int(beats * BEAT + 0.8 * sec)
        for delay, amp in ((0, 0.30), (int(1.5 * BEAT), 0.09)):
            _add_note(buf, start + delay, _hz(note), amp=amp, length=length,
                      attack=int(0.04 * sec), decay_tau=0.9, release=int(0.25 * sec))

    peak = max(abs(x) for x in buf)
    scale = 32767 * 10 ** (MOH_PEAK_DBFS / 20) / peak
    return array.array("h", (int(round(x * scale)) for x in buf))


def write_wav(path: Path, samples: array.array) -> None:
    tmp = path.with_name(path.name + ".tmp.wav")
    data = samples
    if sys.byteorder != "little":
        data = array.array("h", samples)
        data.byteswap()
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(data.tobytes())
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------
# Checks and main
# --------------------------------------------------------------------------------------------


def check_wav(path: Path) -> float:
    """Assert the shipped format; return the duration in seconds."""
    with wave.open(str(path), "rb") as w:
        fmt = (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getcomptype())
        if fmt != (SAMPLE_RATE, 1, 2, "NONE"):
            raise SystemExit(f"make_prompts: {path} has format {fmt}, expected 8000 Hz mono 16-bit PCM")
        return w.getnframes() / w.getframerate()


def selected_names(patterns: list[str] | None) -> list[str]:
    """The PROMPTS names matching any of `patterns` (all of them for None)."""
    if not patterns:
        return list(PROMPTS)
    names = [name for name in PROMPTS if any(fnmatch.fnmatchcase(name, p) for p in patterns)]
    if not names:
        sys.exit(f"make_prompts: no prompt name matches {', '.join(patterns)}")
    return names


def main(argv: list[str] | None = None) -> int:
    default_out = Path(__file__).resolve().parent.parent / "appliance" / "prompts"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default_out,
                        help=f"prompts folder to write (default: {default_out})")
    parser.add_argument("--lang", action="append", choices=sorted(VOICES),
                        help="only this language (repeatable; default: all)")
    parser.add_argument("--name", action="append", metavar="PATTERN",
                        help="only prompts whose name matches this shell pattern, e.g. 'num-*' "
                             "(repeatable; default: all)")
    parser.add_argument("--no-moh", action="store_true", help="skip the music on hold")
    parser.add_argument("--moh-only", action="store_true", help="only the music on hold")
    args = parser.parse_args(argv)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    if not args.moh_only:
        _require("espeak-ng")
        _require("sox")
        voices = resolve_voices()
        langs = args.lang or sorted(VOICES)
        names = selected_names(args.name)
        with tempfile.TemporaryDirectory(prefix="branchline-prompts-") as tmp:
            workdir = Path(tmp)
            for lang in langs:
                (out / lang).mkdir(exist_ok=True)
                for name in names:
                    dest = out / lang / f"{name}.wav"
                    spoken = SPOKEN_IN.get(name, lang)
                    synthesise(PROMPTS[name][lang], voices[spoken], RATES[spoken], dest, workdir,
                               edge_silence(name))
                    if name in BEEP_AFTER:
                        append_beep(dest)
                    written.append(dest)

    if not args.no_moh:
        dest = out / "moh.wav"
        write_wav(dest, make_moh())
        written.append(dest)

    total = 0
    for path in written:
        seconds = check_wav(path)
        size = path.stat().st_size
        total += size
        print(f"{path.relative_to(out)!s:32} {seconds:6.2f} s {size:8d} bytes")
    print(f"{len(written)} files, {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
