"""Recording what a leg's far end says into a WAV file: a voicemail, or (with `both_sides`) a
conversation, whose other voices the media router connects to the same recorder."""

from __future__ import annotations

import time
import wave
from dataclasses import dataclass
from pathlib import Path

import pjsua2 as pj

from appliance.telephony.legs import Leg

__all__ = ("Recording", "start", "stop")


@dataclass
class Recording:
    path: str
    started: float
    ends_at: float
    recorder: pj.AudioMediaRecorder  # kept referenced until stopped: pjsua2 writes through it
    both_sides: bool = False


def start(leg: Leg, audio: pj.AudioMedia, path: str, max_seconds: float, both_sides: bool = False) -> None:
    """Start recording the leg's incoming audio. Raises pj.Error when pjsua2 cannot (no recorder free)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    recorder = pj.AudioMediaRecorder()
    recorder.createRecorder(path)
    audio.startTransmit(recorder)
    now = time.monotonic()
    leg.recording = Recording(path, now, now + max_seconds, recorder, both_sides)


def stop(leg: Leg, audio: pj.AudioMedia | None) -> tuple[str, float] | None:
    """Stop the leg's recording, if any; returns its path and length in seconds."""
    recording: Recording | None = leg.recording
    if recording is None:
        return None
    leg.recording = None
    if audio is not None:
        try:
            audio.stopTransmit(recording.recorder)
        except pj.Error:
            pass
    # NOTE: the WAV header is written when the recorder is destroyed (PJSUA2.md), so drop it here,
    # on the telephony thread, before anyone reads the file.
    del recording.recorder
    return recording.path, _wav_seconds(recording.path)


def _wav_seconds(path: str) -> float:
    try:
        with wave.open(path, "rb") as wav:
            return round(wav.getnframes() / wav.getframerate(), 3)
    except (OSError, EOFError, wave.Error):
        return 0.0
