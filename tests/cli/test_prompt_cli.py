"""`branchline prompt`: the branch's own recordings, converted to what the phone line plays."""

from __future__ import annotations

import json
import subprocess
import wave

import numpy as np
import pytest
import soundfile

from appliance.core.prompts import PromptLibrary
from appliance.resources import prompts_dir
from tests.support.audio import read_wav, tone_seconds
from tests.support.branch import BRANCHLINE, Branch

TONE_HZ = 1000
OTHER_HZ = 600


@pytest.fixture(scope="module")
def branch(tmp_path_factory) -> Branch:
    """One data dir for the whole module: `init` copies every shipped prompt into it, which is slow.
    Each test uses prompt names of its own, so the tests do not see one another's recordings."""
    b = Branch(tmp_path_factory.mktemp("prompts"))
    b.init()
    return b


def tone(seconds: float = 1.5, rate: int = 44100, channels: int = 2, level: float = 0.5, hz: float = TONE_HZ):
    """A sine as float samples, (frames, channels)."""
    t = np.arange(round(seconds * rate)) / rate
    mono = level * np.sin(2 * np.pi * hz * t)
    return np.repeat(mono[:, None], channels, axis=1)


def recording(tmp_path, name: str, samples, rate: int = 44100, **options) -> str:
    path = tmp_path / name
    soundfile.write(str(path), samples, rate, **options)
    return str(path)


def listing(branch: Branch, *args: str) -> dict[tuple[str, str], dict]:
    return {(e["name"], e["language"]): e for e in json.loads(branch.cli("prompt", "list", "--json", *args).stdout)}


def library(branch: Branch) -> PromptLibrary:
    return PromptLibrary(branch.data / "prompts", prompts_dir())


@pytest.mark.parametrize("command", ["add", "list", "remove"])
def test_every_prompt_command_has_help_with_an_example(command):
    result = subprocess.run([*BRANCHLINE, "prompt", command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout


def test_a_44khz_stereo_float_recording_becomes_8khz_mono_16bit_with_its_tone_kept(branch, tmp_path):
    source = recording(tmp_path, "greeting.wav", tone(1.5), subtype="FLOAT")
    out = branch.cli("prompt", "add", "welcome", source, "--lang", "en").stdout
    assert out.startswith("Added en/welcome: 1.50 s, converted from 44100 Hz stereo to 8000 Hz mono")

    stored = branch.data / "prompts" / "en" / "welcome.wav"
    with wave.open(str(stored), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getcomptype()) == (8000, 1, 2, "NONE")
        assert wav.getnframes() == 12000
    samples, rate = read_wav(stored)
    assert tone_seconds(samples, rate, TONE_HZ) >= 1.3
    assert tone_seconds(samples, rate, OTHER_HZ) == 0
    peak = max(abs(s) for s in samples)
    assert 0.45 * 32767 < peak < 0.55 * 32767  # the level is kept, not normalised

    # The running server looks the file up at each play: it is what callers hear from now on.
    assert library(branch).path("welcome", "en") == str(stored)
    assert listing(branch, "--lang", "en")[("welcome", "en")] == {
        "name": "welcome", "language": "en", "source": "custom", "seconds": 1.5,
    }


@pytest.mark.parametrize(
    ("name", "filename", "rate", "channels", "options"),
    [
        ("t-flac", "t.flac", 48000, 2, {"subtype": "PCM_24"}),
        ("t-ogg", "t.ogg", 44100, 1, {"subtype": "VORBIS"}),
        ("t-mp3", "t.mp3", 44100, 1, {}),
        ("t-wav-u8", "t.wav", 22050, 1, {"subtype": "PCM_U8"}),
        ("t-wav-32", "t.wav", 16000, 2, {"subtype": "PCM_32"}),
        ("t-wav-8k", "t.wav", 8000, 1, {"subtype": "PCM_16"}),
    ],
)
def test_flac_ogg_mp3_and_every_kind_of_wav_are_converted(branch, tmp_path, name, filename, rate, channels, options):
    source = recording(tmp_path, filename, tone(1.0, rate, channels), rate, **options)
    branch.cli("prompt", "add", name, source, "--lang", "zh")
    samples, out_rate = read_wav(branch.data / "prompts" / "zh" / f"{name}.wav")
    assert out_rate == 8000 and abs(len(samples) - 8000) < 400  # mp3 adds a little padding
    assert tone_seconds(samples, out_rate, TONE_HZ) >= 0.8


def test_replacing_the_branchs_own_recording_needs_force(branch, tmp_path):
    first = recording(tmp_path, "first.wav", tone(1.0, channels=1))
    second = recording(tmp_path, "second.wav", tone(2.0, channels=1, hz=OTHER_HZ))
    # `init` copied the shipped prompt into the data dir; that copy is not the branch's own.
    branch.cli("prompt", "add", "closed", first, "--lang", "zh")
    refused = branch.cli("prompt", "add", "closed", second, "--lang", "zh", check=False)
    assert refused.returncode == 2
    assert "zh/closed already has a custom recording: add --force to replace it." in refused.stderr
    out = branch.cli("prompt", "add", "closed", second, "--lang", "zh", "--force").stdout
    assert out.startswith("Replaced zh/closed: 2.00 s")
    samples, rate = read_wav(branch.data / "prompts" / "zh" / "closed.wav")
    assert tone_seconds(samples, rate, OTHER_HZ) >= 1.8


def test_removing_a_recording_brings_the_shipped_prompt_back(branch, tmp_path):
    branch.cli("prompt", "add", "busy", recording(tmp_path, "b.wav", tone(1.0)), "--lang", "en")
    assert listing(branch)[("busy", "en")]["source"] == "custom"
    out = branch.cli("prompt", "remove", "busy", "--lang", "en").stdout
    assert out == "Removed the branch's recording of en/busy; callers hear the shipped one again.\n"
    assert library(branch).path("busy", "en") == str(prompts_dir() / "en" / "busy.wav")
    shipped = listing(branch)[("busy", "en")]
    assert shipped["source"] == "shipped" and shipped["seconds"] > 2


def test_a_new_prompt_name_is_the_branchs_own_for_its_flows(branch, tmp_path):
    out = branch.cli("prompt", "add", "branch-promo", recording(tmp_path, "p.wav", tone(1.0)), "--lang", "en").stdout
    assert "Note: branch-promo is a prompt of the branch's own; flows can play it by that name." in out
    assert "Note: branch-promo has no zh recording yet; record one so that zh callers hear it too." in out
    assert ("branch-promo", "zh") not in listing(branch)
    out = branch.cli("prompt", "remove", "branch-promo", "--lang", "en").stdout
    assert "no shipped prompt has that name, so flows that play it now play nothing" in out
    assert ("branch-promo", "en") not in listing(branch)


def test_the_list_shows_every_shipped_prompt_in_each_language(branch):
    entries = listing(branch)
    for name in ("welcome", "num-7", "currency-yuan", "survey-question", "bank-main-menu"):
        assert entries[(name, "zh")]["seconds"] > 0
    assert {language for _, language in listing(branch, "--lang", "zh")} == {"zh"}
    table = branch.cli("prompt", "list", "--lang", "en").stdout.splitlines()
    assert table[0].split() == ["NAME", "LANG", "SOURCE", "SECONDS"]
    assert any(line.split()[:3] == ["goodbye", "en", "shipped"] for line in table)


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    quiet = tone(1.0, channels=1, level=10 ** (-60 / 20))
    clipped = np.clip(tone(1.0, channels=1, level=3.0), -1.0, 1.0)
    (folder / "notes.wav").write_text("this is not audio")
    soundfile.write(str(folder / "empty.wav"), np.zeros((0, 1)), 44100)
    soundfile.write(str(folder / "blip.wav"), tone(0.1, channels=1), 44100)
    soundfile.write(str(folder / "silence.wav"), np.zeros((8000, 1)), 8000)
    soundfile.write(str(folder / "quiet.wav"), quiet, 44100)
    soundfile.write(str(folder / "clipped.wav"), clipped, 44100, subtype="PCM_16")
    soundfile.write(str(folder / "long.wav"), np.zeros((8000 * 601, 1), dtype=np.int16), 8000)
    soundfile.write(str(folder / "fine.wav"), tone(1.0), 44100)
    return folder


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x1", "notes.wav", "--lang", "en"],
         "notes.wav is not an audio file Branchline can read: give a WAV, FLAC, OGG or MP3 recording."),
        (["add", "x1", "empty.wav", "--lang", "en"],
         "empty.wav holds no sound at all: record the prompt again, it must be at least 0.2 s long."),
        (["add", "x1", "blip.wav", "--lang", "en"],
         "blip.wav is only 0.10 s long: a prompt must last at least 0.2 s, so check that the recording was not cut off."),
        (["add", "x1", "long.wav", "--lang", "en"],
         "long.wav is 10.0 minutes long: a prompt may last 10 minutes at most, so shorten it or split it into several prompts."),
        (["add", "x1", "silence.wav", "--lang", "en"],
         "silence.wav is silent (no sound at all, below -50 dBFS): check the microphone and record it again."),
        (["add", "x1", "quiet.wav", "--lang", "en"],
         "quiet.wav is silent (its loudest sound is -60 dBFS, below -50 dBFS): check the microphone and record it again."),
        (["add", "x1", "clipped.wav", "--lang", "en"],
         "record it again with the input level turned down."),
        (["add", "Welcome", "fine.wav", "--lang", "en"],
         "prompt name 'Welcome' is not valid: use 1 to 64 lowercase letters, digits and '-', for example branch-welcome."),
        (["add", "bank_welcome", "fine.wav", "--lang", "en"], "prompt name 'bank_welcome' is not valid"),
        (["add", "x1", "fine.wav", "--lang", "fr"], "Invalid value for '--lang': 'fr' is not one of 'en', 'zh'."),
        (["add", "x1", "fine.wav"], "Missing option '--lang'"),
        (["add", "x1", "missing.wav", "--lang", "en"], "File 'missing.wav' does not exist."),
        (["add", "x1", ".", "--lang", "en"], "File '.' is a directory."),
        (["remove", "welcome", "--lang", "zh"],
         "zh/welcome has no custom recording: callers hear the shipped one, which stays."),
        (["remove", "nothing-here", "--lang", "en"],
         "there is no prompt 'nothing-here' in en: 'branchline prompt list --lang en' shows what there is."),
        (["remove", "x/../welcome", "--lang", "en"], "prompt name 'x/../welcome' is not valid"),
        (["list", "--lang", "de"], "Invalid value for '--lang': 'de' is not one of 'en', 'zh'."),
    ],
)
def test_every_bad_input_gets_a_sentence_that_says_what_to_do_and_exit_2(branch, bad_files, args, message):
    result = subprocess.run([*BRANCHLINE, "--data", str(branch.data), "prompt", *args],
                            capture_output=True, text=True, cwd=bad_files, timeout=60)
    assert result.returncode == 2, result
    assert message in result.stderr
    assert not (branch.data / "prompts" / "en" / "x1.wav").exists()


def test_a_heavily_clipped_recording_says_how_much_is_flattened(branch, bad_files):
    result = branch.cli("prompt", "add", "x1", str(bad_files / "clipped.wav"), "--lang", "en", check=False)
    assert result.returncode == 2
    assert "clipped.wav is heavily clipped (" in result.stderr and "% of it is flattened at full volume)" in result.stderr


def test_a_loud_but_clean_recording_is_not_taken_for_clipped(branch, tmp_path):
    full_scale = recording(tmp_path, "loud.wav", tone(1.0, channels=1, level=1.0, hz=100), subtype="PCM_16")
    branch.cli("prompt", "add", "loud-tone", full_scale, "--lang", "en")


def test_prompt_commands_need_an_initialised_data_dir(tmp_path, bad_files):
    result = Branch(tmp_path).cli("prompt", "add", "welcome", str(bad_files / "fine.wav"), "--lang", "en", check=False)
    assert result.returncode == 2 and "does not exist: run 'branchline --data" in result.stderr
