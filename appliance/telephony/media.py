"""Who hears what: each leg's media plan carried out on pjsua2's conference bridge.

Runs on the engine thread only. A leg hears silence, its own prompt player, the one shared
music-on-hold player, or its bridged peer; the plan is kept on the leg so that it can be
connected again whenever pjsua2 renegotiates the call's media.

A prompt is a list of files heard one after another ("position-intro", "num-3",
"position-outro"). Consecutive files of one WAV format play from one pjsua playlist player,
so a leg holds one player at a time (pjsua has 32). The end of each is known from the WAV
lengths: pjsua2's only end-of-file signal, onEof2, can crash a Python subclass (PJSUA2.md).
"""

from __future__ import annotations

import logging
import time
import wave
from collections.abc import Callable, Sequence

import pjsua2 as pj

from appliance.telephony.legs import Leg, MediaPlan, Monitoring, Segment

__all__ = ("MediaRouter", "plan_segments", "wav_format")

log = logging.getLogger(__name__)

PLAYLIST_LABEL = "prompt"


def wav_format(path: str) -> tuple[tuple[int, int, int], float]:
    """((sample rate, channels, sample width), seconds) of a PCM WAV file; raises if unreadable."""
    with wave.open(path, "rb") as wav:
        rate = wav.getframerate()
        return (rate, wav.getnchannels(), wav.getsampwidth()), wav.getnframes() / rate


def plan_segments(paths: Sequence[str]) -> tuple[Segment, ...]:
    """Group a prompt's files into runs that one playlist player can play.

    NOTE: pjsua's playlist refuses files of different formats (PJMEDIA_EWAVEUNSUPP) and aborts
    the process on an empty list (a pjlib assertion); a custom 16 kHz prompt between shipped
    8 kHz ones must not do either. Raises ValueError, with a sentence, for no files or a file
    that cannot be read as a PCM WAV.
    """
    if not paths:
        raise ValueError("the prompt has no files")
    segments: list[Segment] = []
    last_format = None
    for path in paths:
        try:
            fmt, seconds = wav_format(path)
        except (OSError, EOFError, wave.Error) as exc:
            raise ValueError(f"{path} cannot be played: {exc}") from None
        if segments and fmt == last_format:
            previous = segments[-1]
            segments[-1] = Segment((*previous.paths, path), previous.seconds + seconds)
        else:
            segments.append(Segment((path,), seconds))
        last_format = fmt
    return tuple(segments)


class MediaRouter:
    def __init__(
        self, moh: pj.AudioMediaPlayer, legs: dict[str, Leg], prompt_finished: Callable[[Leg, str], None]
    ) -> None:
        self._moh = moh
        self._legs = legs
        self._prompt_finished = prompt_finished

    # ---- prompts -----------------------------------------------------------------------------

    def play(self, leg: Leg, prompt: str, paths: Sequence[str]) -> None:
        try:
            leg.prompt_segments = plan_segments(paths)
            leg.prompt = prompt
            self.switch(leg, MediaPlan.PROMPT)
        except (ValueError, pj.Error) as exc:
            self._prompt_failed(leg, prompt, exc)

    def segment_heard(self, leg: Leg) -> None:
        """The segment playing has been heard: start the next, or finish the prompt."""
        prompt = leg.prompt
        try:
            if self.next_segment(leg):
                return
        except pj.Error as exc:
            self._prompt_failed(leg, prompt, exc)
            return
        self.switch(leg, MediaPlan.SILENCE)
        self._prompt_finished(leg, prompt)

    def _prompt_failed(self, leg: Leg, prompt: str, exc: Exception) -> None:
        # The core waits for PromptFinished to go on; a missing recording must not strand the caller.
        reason = exc.info() if isinstance(exc, pj.Error) else str(exc)
        log.warning("prompt %r for leg %s cannot be played (%s); it ends at once", prompt, leg.leg_id, reason)
        self.switch(leg, MediaPlan.SILENCE)
        self._prompt_finished(leg, prompt)

    # ---- plans -------------------------------------------------------------------------------

    def audio(self, leg: Leg | None) -> pj.AudioMedia | None:
        # NOTE: AudioMedia objects must not outlive the call; fetch a fresh one every time.
        if leg is None or leg.call is None:
            return None
        try:
            info = leg.call.getInfo()
            if not any(m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
                return None
            return leg.call.getAudioMedia(-1)
        except pj.Error:
            return None

    def switch(self, leg: Leg, plan: MediaPlan) -> None:
        """Make the leg hear `plan`; for PROMPT, the first of `leg.prompt_segments` from its start."""
        self.disconnect(leg)
        if leg.plan is MediaPlan.PROMPT:
            leg.player, leg.prompt_ends_at = None, 0.0
            if plan is not MediaPlan.PROMPT:
                leg.prompt, leg.prompt_segments = "", ()
        if plan is not MediaPlan.PEER and leg.peer:
            peer = self._legs.get(leg.peer)
            leg.peer = None
            if peer is not None and peer.plan is MediaPlan.PEER:
                self.disconnect(peer)
                peer.peer, peer.plan = None, MediaPlan.SILENCE
        leg.plan = plan
        if plan is MediaPlan.PROMPT:
            self._load_segment(leg)
        self.connect(leg)

    def next_segment(self, leg: Leg) -> bool:
        """Move a prompt on to its next segment; False when the last one has been heard."""
        if len(leg.prompt_segments) <= 1:
            return False
        self.disconnect(leg)
        leg.player, leg.prompt_ends_at = None, 0.0  # the finished player goes before the next opens
        leg.prompt_segments = leg.prompt_segments[1:]
        self._load_segment(leg)
        self.connect(leg)
        return True

    @staticmethod
    def _load_segment(leg: Leg) -> None:
        segment = leg.prompt_segments[0]
        player = pj.AudioMediaPlayer()
        if len(segment.paths) == 1:
            player.createPlayer(segment.paths[0], pj.PJMEDIA_FILE_NO_LOOP)
        else:
            files = pj.StringVector()
            for path in segment.paths:
                files.append(path)
            player.createPlaylist(files, PLAYLIST_LABEL, pj.PJMEDIA_FILE_NO_LOOP)
        leg.player, leg.prompt_seconds = player, segment.seconds

    def connect(self, leg: Leg) -> None:
        audio = self.audio(leg)
        if audio is None:
            return
        if leg.recording is not None:  # a re-INVITE drops this link too
            audio.startTransmit(leg.recording.recorder)
        for source, sink in self._plan_links(leg, audio):
            source.startTransmit(sink)
        if leg.plan is MediaPlan.PROMPT and leg.player is not None and not leg.prompt_ends_at:
            leg.prompt_ends_at = time.monotonic() + leg.prompt_seconds  # heard from the moment it is connected

    def disconnect(self, leg: Leg) -> None:
        audio = self.audio(leg)
        if audio is not None:
            _stop_all(self._plan_links(leg, audio))

    def _plan_links(self, leg: Leg, audio: pj.AudioMedia) -> list[tuple[pj.AudioMedia, pj.AudioMedia]]:
        """(source, sink) pairs that make the leg hear its plan; for a bridged pair, both directions,
        and each voice into the other party's conversation recording."""
        if leg.plan is MediaPlan.MOH:
            return [(self._moh, audio)]
        if leg.plan is MediaPlan.PROMPT and leg.player is not None:
            return [(leg.player, audio)]
        if leg.plan is not MediaPlan.PEER or not leg.peer:
            return []
        peer = self._legs.get(leg.peer)
        peer_audio = self.audio(peer)
        if peer is None or peer_audio is None:
            return []
        links = [(audio, peer_audio), (peer_audio, audio)]
        if (recorder := _conversation_recorder(leg)) is not None:
            links.append((peer_audio, recorder))
        if (recorder := _conversation_recorder(peer)) is not None:
            links.append((audio, recorder))
        return links

    # ---- supervisors -------------------------------------------------------------------------

    def monitor(self, supervisor: Leg, monitoring: Monitoring) -> None:
        """Connect the supervisor's leg to a conversation, or change how (listen, whisper, barge)."""
        _stop_all(self._monitor_links(supervisor))
        supervisor.monitoring = monitoring
        _start_all(self._monitor_links(supervisor))

    def reconnect_monitors(self, leg: Leg) -> None:
        """After a re-INVITE of any of its legs, connect each supervisor's conversation again."""
        for supervisor in self._legs.values():
            watched = supervisor.monitoring
            if watched and leg.leg_id in (supervisor.leg_id, watched.caller_leg, watched.agent_leg):
                _start_all(self._monitor_links(supervisor))

    def _monitor_links(self, supervisor: Leg) -> list[tuple[pj.AudioMedia, pj.AudioMedia]]:
        watched = supervisor.monitoring
        own = self.audio(supervisor)
        if watched is None or own is None:
            return []
        caller, agent = self._legs.get(watched.caller_leg), self._legs.get(watched.agent_leg)
        caller_audio, agent_audio = self.audio(caller), self.audio(agent)
        links = [(voice, own) for voice in (caller_audio, agent_audio) if voice is not None]
        if watched.mode in ("whisper", "barge") and agent_audio is not None:
            links.append((own, agent_audio))
        if watched.mode == "barge":
            if caller_audio is not None:
                links.append((own, caller_audio))
            # A barge is part of the conversation; a whisper never is.
            links += [(own, recorder) for recorder in map(_conversation_recorder, (caller, agent)) if recorder]
        return links

    def release(self, leg: Leg) -> None:
        # The call's conference port is already gone; only drop what we own.
        leg.player, leg.prompt_segments = None, ()
        if leg.peer and (peer := self._legs.get(leg.peer)):
            peer.peer, peer.plan = None, MediaPlan.SILENCE
        leg.peer = None



def _conversation_recorder(leg: Leg | None) -> pj.AudioMediaRecorder | None:
    recording = leg.recording if leg is not None else None
    return recording.recorder if recording is not None and recording.both_sides else None


def _start_all(links: list[tuple[pj.AudioMedia, pj.AudioMedia]]) -> None:
    for source, sink in links:
        source.startTransmit(sink)  # connecting what is already connected changes nothing


def _stop_all(links: list[tuple[pj.AudioMedia, pj.AudioMedia]]) -> None:
    for source, sink in links:
        try:
            source.stopTransmit(sink)
        except pj.Error:
            pass  # not connected (a re-INVITE dropped it): nothing to undo
