"""The prompts callers hear: the branch's own recordings first, then the shipped defaults.

A branch records its own prompts into its data directory, `prompts/<lang>/<name>.wav`; a file
there is played instead of the shipped default of the same name, and is looked up again at
every play, so a new recording is heard on the next call without a restart. `add_recording`
turns whatever an administrator recorded (WAV, FLAC, OGG, MP3; any rate, any channels) into
the one format the SIP engine plays: 8000 Hz mono 16-bit PCM WAV.
"""

from __future__ import annotations

import filecmp
import math
import os
import re
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import msgspec

from appliance.core.say import SAY_PROMPTS
from appliance.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    import numpy

__all__ = (
    "IVR_PROMPTS",
    "LANGUAGES",
    "PROMPT_NAMES",
    "PromptEntry",
    "PromptLibrary",
    "Recording",
    "check_prompt_name",
    "read_recording",
)

# What the IVR's nodes play unless a flow names its own (the defaults in appliance/ivr/nodes.py).
IVR_PROMPTS = (
    "invalid-choice",
    "no-input",
    "invalid-entry",
    "callback-confirm-number",
    "callback-confirm-choices",
    "callback-enter-number",
    "callback-confirmed",
    "callback-booked",
    "voicemail-intro",
    "voicemail-saved",
    "survey-question",
    "survey-thanks",
    "goodbye",
    "transferring",
)
# The prompts the call path plays, announcements and IVR defaults included; `doctor` checks each
# exists in every language.
PROMPT_NAMES = tuple(dict.fromkeys(("welcome", "sorry", "busy", "closed", *SAY_PROMPTS, *IVR_PROMPTS)))
LANGUAGES = ("en", "zh")

SAMPLE_RATE = 8000  # what the SIP engine's conference bridge plays without resampling
SAMPLE_WIDTH = 2  # bytes: 16-bit PCM
INT16_FULL_SCALE = 32767
MIN_SECONDS = 0.2
MAX_SECONDS = 600.0
SILENT_BELOW_DBFS = -50.0
# Clipping flattens the waveform at full scale: three equal samples in a row at 99 % or more of
# full scale never happen in a real recording of speech or music, and happen all the time once the
# input level was too high. More than 1 % of a recording like that is heard as distortion.
CLIP_LEVEL = 0.99
MAX_CLIPPED_SHARE = 0.01
READ_BLOCK_FRAMES = 65536
ACCEPTED_FORMATS = "a WAV, FLAC, OGG or MP3 recording"
_NAME = re.compile(r"[a-z0-9-]{1,64}")


class PromptEntry(msgspec.Struct, frozen=True):
    """One prompt in one language, as `branchline prompt list` shows it."""

    name: str
    language: str
    source: Literal["custom", "shipped"]
    seconds: float | None  # None: the file cannot be read as a PCM WAV (a hand-copied custom file)


class Recording(msgspec.Struct, frozen=True):
    """A recording converted to the prompt format, and what it was before."""

    pcm: bytes  # 8000 Hz mono 16-bit little-endian samples
    seconds: float
    source_rate: int
    source_channels: int
    peak_dbfs: float


def check_prompt_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"prompt name {name!r} is not valid: use 1 to 64 lowercase letters, digits and '-', "
            "for example branch-welcome."
        )
    return name


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidInput(f"prompts are recorded in {' and '.join(LANGUAGES)}, not in {language!r}: give --lang en or --lang zh.")


class PromptLibrary:
    def __init__(self, custom: Path, shipped: Path) -> None:
        self.custom = custom
        self.shipped = shipped

    def path(self, name: str, language: str) -> str:
        for folder in (self.custom / language, self.shipped / language):
            candidate = folder / f"{name}.wav"
            if candidate.is_file():
                return str(candidate)
        raise FileNotFoundError(f"prompt {name!r} has no recording in {language!r}")

    def exists(self, name: str, language: str) -> bool:
        """Whether callers in `language` can hear `name`: the branch's recording or the shipped one."""
        return any((folder / language / f"{name}.wav").is_file() for folder in (self.custom, self.shipped))

    def music_on_hold(self) -> str:
        custom = self.custom / "moh.wav"
        return str(custom if custom.is_file() else self.shipped / "moh.wav")

    def missing(self) -> list[str]:
        """'lang/name' of every prompt with no file at all: what `doctor` reports."""
        return [
            f"{language}/{name}"
            for language in LANGUAGES
            for name in PROMPT_NAMES
            if not self.exists(name, language)
        ]

    # ---- the branch's own recordings ---------------------------------------------------------

    def is_custom(self, name: str, language: str) -> bool:
        """Whether the branch has its own recording of `name`. Data directories made by
        earlier versions hold copies of every shipped prompt; an unchanged copy is still the shipped prompt."""
        own, shipped = self._custom_file(name, language), self._shipped_file(name, language)
        if not own.is_file():
            return False
        return not shipped.is_file() or not filecmp.cmp(own, shipped, shallow=False)

    def entries(self, language: str | None = None) -> list[PromptEntry]:
        """Every prompt with a recording, by name then language."""
        languages = LANGUAGES if language is None else (language,)
        found: list[PromptEntry] = []
        for lang in languages:
            names = {p.stem for folder in (self.custom / lang, self.shipped / lang) for p in folder.glob("*.wav")}
            for name in names:
                custom = self.is_custom(name, lang)
                path = self._custom_file(name, lang) if custom else Path(self.path(name, lang))
                found.append(PromptEntry(name, lang, "custom" if custom else "shipped", _wav_seconds(path)))
        return sorted(found, key=lambda e: (e.name, LANGUAGES.index(e.language)))

    def add(self, name: str, language: str, recording: Recording, *, force: bool = False) -> Path:
        """Store `recording` as the branch's `name` in `language`; it plays from the next call on."""
        check_prompt_name(name)
        _check_language(language)
        if not force and self.is_custom(name, language):
            raise Conflict(f"{language}/{name} already has a custom recording: add --force to replace it.")
        dest = self._custom_file(name, language)
        dest.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it: a call playing the prompt right now
        # reads the old file or the new one, never half of one.
        tmp = dest.with_name(f".{dest.name}.tmp")
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(SAMPLE_WIDTH)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(recording.pcm)
        os.replace(tmp, dest)
        return dest

    def remove(self, name: str, language: str) -> bool:
        """Delete the branch's own recording; True when the shipped default plays again."""
        check_prompt_name(name)
        _check_language(language)
        shipped = self._shipped_file(name, language).is_file()
        if not self.is_custom(name, language):
            if shipped:
                raise NotFound(f"{language}/{name} has no custom recording: callers hear the shipped one, which stays.")
            raise NotFound(
                f"there is no prompt {name!r} in {language}: 'branchline prompt list --lang {language}' shows what there is."
            )
        self._custom_file(name, language).unlink()
        return shipped

    def _custom_file(self, name: str, language: str) -> Path:
        return self.custom / language / f"{name}.wav"

    def _shipped_file(self, name: str, language: str) -> Path:
        return self.shipped / language / f"{name}.wav"


def _wav_seconds(path: Path) -> float | None:
    try:
        with wave.open(str(path), "rb") as wav:
            return round(wav.getnframes() / wav.getframerate(), 2)
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return None


# --------------------------------------------------------------------------------------------
# Reading and converting a recording
# --------------------------------------------------------------------------------------------


def read_recording(path: Path) -> Recording:
    """Read any recording libsndfile understands and convert it to 8000 Hz mono 16-bit PCM.

    Read in blocks and resampled as a stream, so a long 96 kHz stereo file never sits in memory
    whole. Raises InvalidInput, with what to do, for a file that callers should not hear: not
    audio, shorter than 0.2 s, longer than 10 minutes, silent, or heavily clipped.
    """
    import numpy as np
    import soundfile
    import soxr

    label = path.name
    try:
        source = soundfile.SoundFile(str(path))
    except (soundfile.SoundFileError, RuntimeError):
        raise InvalidInput(f"{label} is not an audio file Branchline can read: give {ACCEPTED_FORMATS}.") from None
    with source:
        rate, channels = source.samplerate, source.channels
        if source.frames <= 0 and source.seekable():
            raise InvalidInput(f"{label} holds no sound at all: record the prompt again, it must be at least {MIN_SECONDS} s long.")
        _check_length(label, source.frames / rate)
        stream = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        pieces: list[numpy.ndarray] = []
        frames = clipped = 0
        try:
            for block in source.blocks(READ_BLOCK_FRAMES, dtype="float32", always_2d=True):
                frames += len(block)
                _check_length(label, frames / rate)  # a header can understate the length
                clipped += _clipped_frames(block)
                pieces.append(stream.resample_chunk(block.mean(axis=1), last=False))
        except (soundfile.SoundFileError, RuntimeError):
            raise InvalidInput(f"{label} is damaged and cannot be read to the end: give {ACCEPTED_FORMATS}.") from None
        pieces.append(stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
    seconds = frames / rate
    if frames == 0:
        raise InvalidInput(f"{label} holds no sound at all: record the prompt again, it must be at least {MIN_SECONDS} s long.")
    if seconds < MIN_SECONDS:
        raise InvalidInput(
            f"{label} is only {seconds:.2f} s long: a prompt must last at least {MIN_SECONDS} s, "
            "so check that the recording was not cut off."
        )
    mono = np.clip(np.concatenate(pieces), -1.0, 1.0)
    peak = float(np.max(np.abs(mono))) if len(mono) else 0.0
    peak_dbfs = 20 * math.log10(peak) if peak > 0 else -math.inf
    if peak_dbfs < SILENT_BELOW_DBFS:
        loudest = "no sound at all" if peak == 0 else f"its loudest sound is {peak_dbfs:.0f} dBFS"
        raise InvalidInput(
            f"{label} is silent ({loudest}, below {SILENT_BELOW_DBFS:.0f} dBFS): check the microphone and record it again."
        )
    share = clipped / frames
    if share > MAX_CLIPPED_SHARE:
        raise InvalidInput(
            f"{label} is heavily clipped ({share:.1%} of it is flattened at full volume): "
            "record it again with the input level turned down."
        )
    pcm = np.round(mono * INT16_FULL_SCALE).astype("<i2").tobytes()
    return Recording(pcm, len(pcm) / SAMPLE_WIDTH / SAMPLE_RATE, rate, channels, peak_dbfs)


def _check_length(label: str, seconds: float) -> None:
    if seconds > MAX_SECONDS:
        raise InvalidInput(
            f"{label} is {seconds / 60:.1f} minutes long: a prompt may last {MAX_SECONDS / 60:.0f} minutes at most, "
            "so shorten it or split it into several prompts."
        )


def _clipped_frames(block: numpy.ndarray) -> int:
    """Frames in which some channel sits flat at full scale for three samples or more."""
    import numpy as np

    if len(block) < 3:
        return 0
    level = np.clip(block, -1.0, 1.0)
    flat = (
        (np.abs(level[2:]) >= CLIP_LEVEL)
        & (level[2:] == level[1:-1])
        & (level[1:-1] == level[:-2])
    )
    return int(np.count_nonzero(flat.any(axis=1)))
