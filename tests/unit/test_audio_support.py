"""The audio helpers that end-to-end tests rely on to say "the far end heard the tone"."""

from __future__ import annotations

import math
import random
import struct
from array import array

import pytest

from tests.support.audio import (
    SAMPLE_RATE,
    has_tone,
    read_wav,
    tone_samples,
    tone_seconds,
    ulaw_decode,
    ulaw_encode,
    write_wav,
)

AGENT_TONE_HZ = 1300
CALLER_TONE_HZ = 2100
MUSIC_NOTES_HZ = (262, 330, 392, 523, 659, 784, 880)  # a C major chord and friends, all < 900 Hz


def silence(seconds: float) -> array:
    return array("h", bytes(2 * round(seconds * SAMPLE_RATE)))


def test_a_1300_hz_tone_is_found_for_as_long_as_it_sounds():
    audio = silence(0.5) + tone_samples(AGENT_TONE_HZ, 2.0) + silence(0.5)

    assert tone_seconds(audio, SAMPLE_RATE, AGENT_TONE_HZ) == pytest.approx(2.0, abs=0.1)
    assert has_tone(audio, SAMPLE_RATE, AGENT_TONE_HZ)


def test_2100_hz_is_not_found_in_a_1300_hz_tone_nor_1300_in_2100():
    agent = tone_samples(AGENT_TONE_HZ, 2.0)
    caller = tone_samples(CALLER_TONE_HZ, 2.0)

    assert tone_seconds(agent, SAMPLE_RATE, CALLER_TONE_HZ) == 0
    assert tone_seconds(caller, SAMPLE_RATE, AGENT_TONE_HZ) == 0


def test_a_tone_shorter_than_the_minimum_does_not_count():
    audio = silence(0.3) + tone_samples(AGENT_TONE_HZ, 0.6) + silence(0.3)

    assert not has_tone(audio, SAMPLE_RATE, AGENT_TONE_HZ, min_seconds=1.0)
    assert has_tone(audio, SAMPLE_RATE, AGENT_TONE_HZ, min_seconds=0.5)


def test_a_faint_tone_is_silence():
    assert not has_tone(tone_samples(AGENT_TONE_HZ, 2.0, amplitude=50), SAMPLE_RATE, AGENT_TONE_HZ)


@pytest.mark.parametrize("freq_hz", [AGENT_TONE_HZ, CALLER_TONE_HZ])
def test_silence_noise_and_music_are_not_a_tone(freq_hz):
    rng = random.Random(7)
    noise = array("h", (rng.randint(-8000, 8000) for _ in range(3 * SAMPLE_RATE)))
    music = array("h", (0 for _ in range(3 * SAMPLE_RATE)))
    for note in MUSIC_NOTES_HZ:
        for n, x in enumerate(tone_samples(note, 3.0, amplitude=3000)):
            music[n] += x

    for audio in (silence(3.0), noise, music):
        assert tone_seconds(audio, SAMPLE_RATE, freq_hz) == 0


def test_the_tone_is_found_under_a_little_noise_and_through_mu_law():
    rng = random.Random(11)
    tone = tone_samples(AGENT_TONE_HZ, 2.0)
    noisy = array("h", (x + rng.randint(-800, 800) for x in tone))

    heard = ulaw_decode(ulaw_encode(noisy))

    assert has_tone(heard, SAMPLE_RATE, AGENT_TONE_HZ, min_seconds=1.9)


def test_mu_law_round_trip_keeps_every_sample_within_one_quantisation_step():
    samples = list(range(-32768, 32768, 7))

    decoded = ulaw_decode(ulaw_encode(samples))

    for original, back in zip(samples, decoded, strict=True):
        # G.711 steps grow with the magnitude: 1/16 of the segment, i.e. under 1/16 of |x|.
        assert abs(original - back) <= max(4, abs(original) / 16 + 132 / 16), original


def test_mu_law_knows_its_fixed_points():
    assert ulaw_encode([0]) == b"\xff"
    assert ulaw_decode(b"\xff\x7f") == array("h", [0, 0])
    assert ulaw_decode(b"\x80\x00") == array("h", [32124, -32124])


def test_a_written_wav_reads_back_the_same(tmp_path):
    path = tmp_path / "tone.wav"
    samples = tone_samples(AGENT_TONE_HZ, 0.25)

    write_wav(path, samples)

    assert read_wav(path) == (samples, SAMPLE_RATE)


def test_read_wav_takes_the_first_channel_of_a_stereo_file(tmp_path):
    left, right = [1, 2, 3], [-1, -2, -3]
    interleaved = [s for pair in zip(left, right) for s in pair]
    path = tmp_path / "stereo.wav"
    path.write_bytes(_wav_bytes(interleaved, channels=2, rate=16000))

    assert read_wav(path) == (array("h", left), 16000)


def test_read_wav_accepts_a_recording_that_was_never_finalised(tmp_path):
    """A recorder killed mid-call leaves a data size of 0 and maybe half a sample."""
    samples = [10, -20, 30, -40]
    path = tmp_path / "unfinished.wav"
    path.write_bytes(_wav_bytes(samples, data_size=0) + b"\x01")

    assert read_wav(path) == (array("h", samples), SAMPLE_RATE)


def test_read_wav_refuses_what_is_not_a_wav(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not audio")

    with pytest.raises(ValueError, match="is not a WAV file"):
        read_wav(path)


def test_goertzel_is_narrow_enough_for_nearby_test_tones():
    """1300 Hz must not show up at 1000 Hz either (the TESTING.md example of close tones)."""
    assert tone_seconds(tone_samples(1000, 2.0), SAMPLE_RATE, 1300) == 0
    assert math.isclose(tone_seconds(tone_samples(1000, 2.0), SAMPLE_RATE, 1000), 2.0)


def _wav_bytes(samples, channels=1, rate=SAMPLE_RATE, data_size=None) -> bytes:
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    size = len(pcm) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body
