"""How a prompt's files are grouped into players: one playlist per run of one WAV format."""

from __future__ import annotations

import pytest

from appliance.telephony.legs import Segment
from appliance.telephony.media import plan_segments
from tests.support.audio import tone_samples, write_wav


def _wav(tmp_path, name: str, seconds: float, rate: int = 8000) -> str:
    path = tmp_path / f"{name}.wav"
    write_wav(path, tone_samples(1000, seconds, rate=rate), rate=rate)
    return str(path)


def test_files_of_one_format_play_from_one_player(tmp_path):
    intro, three, outro = _wav(tmp_path, "intro", 1.0), _wav(tmp_path, "three", 0.5), _wav(tmp_path, "outro", 1.5)
    assert plan_segments((intro, three, outro)) == (Segment((intro, three, outro), 3.0),)


def test_a_file_of_another_format_starts_a_new_player(tmp_path):
    intro, outro = _wav(tmp_path, "intro", 1.0), _wav(tmp_path, "outro", 1.0)
    custom = _wav(tmp_path, "custom", 0.5, rate=16000)
    assert plan_segments((intro, custom, outro)) == (
        Segment((intro,), 1.0), Segment((custom,), 0.5), Segment((outro,), 1.0)
    )


def test_a_single_file_is_one_segment(tmp_path):
    welcome = _wav(tmp_path, "welcome", 0.6)
    assert plan_segments((welcome,)) == (Segment((welcome,), 0.6),)


def test_no_files_is_refused_before_pjsua_sees_it():
    # NOTE: an empty playlist trips a pjlib assertion in pjsua 2.10, which aborts the process.
    with pytest.raises(ValueError, match="the prompt has no files"):
        plan_segments(())


def test_a_missing_or_broken_file_is_refused_with_its_path(tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....WAVEjunk")
    for path in (str(tmp_path / "missing.wav"), str(broken)):
        with pytest.raises(ValueError, match=f"{path} cannot be played"):
            plan_segments((_wav(tmp_path, "ok", 0.5), path))
