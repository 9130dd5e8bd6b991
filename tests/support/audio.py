"""Audio for tests: make tones, read and write WAVs, find a tone in what a far end heard.

Tests check audio instead of assuming it: a phone or an RtpEndpoint records what it heard,
and the test asks whether a test tone (1300 or 2100 Hz, well away from speech and from the
music on hold) was there for long enough. Detection is a Goertzel filter per 0.1 s frame
that must hold most of the frame's energy, so speech, music and silence never count.

Stdlib only, so that any test can use it; G.711 mu-law is written out here rather than taken
from `audioop`, which is deprecated and gone in Python 3.13.
"""

from __future__ import annotations

import math
import struct
import wave
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = (
    "SAMPLE_RATE",
    "has_tone",
    "read_wav",
    "tone_samples",
    "tone_seconds",
    "tone_starts_at",
    "ulaw_decode",
    "ulaw_encode",
    "write_wav",
)

SAMPLE_RATE = 8000  # Hz, G.711 telephony
DEFAULT_AMPLITUDE = 8000  # about -12 dBFS: loud and clear, far from clipping
INT16_MAX = 32767
INT16_MIN = -32768
SAMPLE_BYTES = 2  # 16-bit PCM

# Tone detection.
FRAME_SECONDS = 0.1
MIN_TONE_SHARE = 0.6  # the tone must hold this share of a frame's energy
MIN_TONE_AMPLITUDE = 100  # about -50 dBFS; anything quieter is silence, not a tone


def tone_samples(
    freq_hz: float, seconds: float, rate: int = SAMPLE_RATE, amplitude: int = DEFAULT_AMPLITUDE
) -> array:
    """A sine tone as 16-bit samples (array of 'h')."""
    count = round(seconds * rate)
    step = 2 * math.pi * freq_hz / rate
    return array("h", (_clip(amplitude * math.sin(step * n)) for n in range(count)))


def write_wav(path: str | Path, samples: Iterable[int], rate: int = SAMPLE_RATE) -> None:
    """Write 16-bit mono PCM samples as a standard WAV file."""
    pcm = array("h", samples)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_BYTES)
        wav.setframerate(rate)
        wav.writeframes(_little_endian(pcm).tobytes())


def read_wav(path: str | Path) -> tuple[array, int]:
    """(samples of the first channel, sample rate) of a 16-bit PCM WAV file.

    Parsed by hand rather than with `wave`, to accept what a recorder leaves behind while it
    is still running or after it was killed: a data size of 0 or past the end of the file
    (read to the end instead) and a trailing partial frame (dropped).
    """
    data = Path(path).read_bytes()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path} is not a WAV file (no RIFF/WAVE header).")
    channels = rate = bits = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id, chunk_size = struct.unpack_from("<4sI", data, offset)
        body = offset + 8
        if chunk_id == b"fmt ":
            _format, channels, rate, _byte_rate, _align, bits = struct.unpack_from("<HHIIHH", data, body)
        elif chunk_id == b"data":
            if channels is None:
                raise ValueError(f"{path} has its data chunk before its fmt chunk.")
            if bits != 16:
                raise ValueError(f"{path} has {bits}-bit samples; only 16-bit PCM is supported.")
            end = len(data) if chunk_size == 0 else min(len(data), body + chunk_size)
            frame_bytes = SAMPLE_BYTES * channels
            end -= (end - body) % frame_bytes
            pcm = _little_endian(array("h", data[body:end]))
            return pcm[::channels], rate
        offset = body + chunk_size + (chunk_size & 1)  # chunks are padded to an even size
    raise ValueError(f"{path} has no data chunk.")


def tone_seconds(
    samples: Sequence[int], rate: int, freq_hz: float, frame_s: float = FRAME_SECONDS, min_share: float = MIN_TONE_SHARE
) -> float:
    """Seconds of the longest unbroken stretch of frames in which freq_hz is the tone.

    A frame counts when the Goertzel power at freq_hz holds at least MIN_TONE_SHARE of the
    frame's energy and the tone is at least MIN_TONE_AMPLITUDE loud. With 0.1 s frames the
    filter is about 10 Hz wide, so 1300 and 2100 Hz never see each other, and broadband
    sound (speech, noise) or tones elsewhere (music) hold almost none of their energy there.
    `min_share` lower than the default finds a tone in a mix: a conference of two or three
    parties each playing their own tone gives each about a half or a third of the energy.
    """
    frame_len = round(frame_s * rate)
    longest = current = 0
    for start in range(0, len(samples) - frame_len + 1, frame_len):
        if _frame_is_tone(samples[start : start + frame_len], rate, freq_hz, min_share):
            current += 1
            longest = max(longest, current)
        else:
            current = 0
    return longest * frame_len / rate


def tone_starts_at(
    samples: Sequence[int], rate: int, freq_hz: float, min_seconds: float = 0.5, frame_s: float = FRAME_SECONDS
) -> float | None:
    """Seconds into the recording where freq_hz first sounds unbroken for min_seconds, or None.

    For checking order: a prompt of several tones is heard in order when each starts later
    than the one before it.
    """
    frame_len = round(frame_s * rate)
    needed = max(1, round(min_seconds / frame_s))
    run_start, run = 0, 0
    for index, start in enumerate(range(0, len(samples) - frame_len + 1, frame_len)):
        if _frame_is_tone(samples[start : start + frame_len], rate, freq_hz):
            if run == 0:
                run_start = index
            run += 1
            if run >= needed:
                return run_start * frame_len / rate
        else:
            run = 0
    return None


def has_tone(samples: Sequence[int], rate: int, freq_hz: float, min_seconds: float = 1.0) -> bool:
    """Whether freq_hz sounds unbroken for at least min_seconds (see tone_seconds)."""
    return tone_seconds(samples, rate, freq_hz) >= min_seconds - 1e-9


def ulaw_encode(samples: Iterable[int]) -> bytes:
    """16-bit samples to G.711 mu-law bytes (PCMU, RTP payload type 0)."""
    return bytes(_ulaw_byte(sample) for sample in samples)


def ulaw_decode(data: bytes) -> array:
    """G.711 mu-law bytes to 16-bit samples (array of 'h')."""
    return array("h", (_ULAW_TO_LINEAR[byte] for byte in data))


def _frame_is_tone(frame: Sequence[int], rate: int, freq_hz: float, min_share: float = MIN_TONE_SHARE) -> bool:
    energy = sum(x * x for x in frame)
    if energy == 0:
        return False
    n = len(frame)
    power = _goertzel_power(frame, rate, freq_hz)
    # A pure sine of amplitude A at freq_hz gives power (A*n/2)**2 and energy A*A*n/2.
    tone_amplitude = 2 * math.sqrt(power) / n
    tone_share = 2 * power / (n * energy)
    return tone_share >= min_share and tone_amplitude >= MIN_TONE_AMPLITUDE


def _goertzel_power(frame: Sequence[int], rate: int, freq_hz: float) -> float:
    """|X(f)|**2 of the frame at freq_hz (any frequency, not only a DFT bin)."""
    coeff = 2 * math.cos(2 * math.pi * freq_hz / rate)
    s1 = s2 = 0.0
    for x in frame:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


# G.711 mu-law, as in ITU-T G.711 and every telephone since: 8 segments of 16 steps each.
ULAW_BIAS = 0x84  # added before encoding so that every segment starts at a power of two
ULAW_CLIP = 32635  # largest magnitude that still fits once the bias is added


def _ulaw_byte(sample: int) -> int:
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), ULAW_CLIP) + ULAW_BIAS
    segment = magnitude.bit_length() - 8  # 0..7: where the highest bit sits above bit 7
    mantissa = (magnitude >> (segment + 3)) & 0x0F
    return ~(sign | segment << 4 | mantissa) & 0xFF  # mu-law bytes are sent inverted


def _linear_from_ulaw(byte: int) -> int:
    byte = ~byte & 0xFF
    segment = (byte >> 4) & 0x07
    mantissa = byte & 0x0F
    magnitude = (((mantissa << 3) + ULAW_BIAS) << segment) - ULAW_BIAS
    return -magnitude if byte & 0x80 else magnitude


_ULAW_TO_LINEAR = tuple(_linear_from_ulaw(byte) for byte in range(256))


def _clip(value: float) -> int:
    return max(INT16_MIN, min(INT16_MAX, round(value)))


def _little_endian(pcm: array) -> array:
    """WAV is little-endian; swap in place on a big-endian host."""
    if struct.pack("=h", 1) != struct.pack("<h", 1):
        pcm.byteswap()
    return pcm
