"""Who hears what: each leg's media plan carried out on pjsua2's conference bridge.

Runs on the engine thread only. A leg hears silence, its own prompt player, the one shared
music-on-hold player, or its bridged peer; the plan is kept on the leg so that it can be
connected again whenever pjsua2 renegotiates the call's media.
"""

from __future__ import annotations

import time

import pjsua2 as pj

from appliance.telephony.legs import Leg, MediaPlan
from appliance.telephony.pjsip import wav_seconds

__all__ = ("MediaRouter",)


class MediaRouter:
    def __init__(self, moh: pj.AudioMediaPlayer, legs: dict[str, Leg]) -> None:
        self._moh = moh
        self._legs = legs

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
        self.disconnect(leg)
        if leg.plan is MediaPlan.PROMPT and plan is not MediaPlan.PROMPT:
            leg.player, leg.prompt, leg.prompt_ends_at = None, "", 0.0
        if plan is not MediaPlan.PEER and leg.peer:
            peer = self._legs.get(leg.peer)
            leg.peer = None
            if peer is not None and peer.plan is MediaPlan.PEER:
                self.disconnect(peer)
                peer.peer, peer.plan = None, MediaPlan.SILENCE
        leg.plan = plan
        if plan is MediaPlan.PROMPT:
            leg.player = pj.AudioMediaPlayer()
            leg.player.createPlayer(leg.prompt_path, pj.PJMEDIA_FILE_NO_LOOP)
            leg.prompt_seconds = wav_seconds(leg.prompt_path)
        self.connect(leg)

    def connect(self, leg: Leg) -> None:
        audio = self.audio(leg)
        if audio is None:
            return
        if leg.plan is MediaPlan.MOH:
            self._moh.startTransmit(audio)
        elif leg.plan is MediaPlan.PROMPT and leg.player is not None:
            leg.player.startTransmit(audio)
            if not leg.prompt_ends_at:  # the prompt is heard from the moment it is connected
                leg.prompt_ends_at = time.monotonic() + leg.prompt_seconds
        elif leg.plan is MediaPlan.PEER and leg.peer:
            peer_audio = self.audio(self._legs.get(leg.peer))
            if peer_audio is not None:
                audio.startTransmit(peer_audio)
                peer_audio.startTransmit(audio)

    def disconnect(self, leg: Leg) -> None:
        audio = self.audio(leg)
        if audio is None:
            return
        try:
            if leg.plan is MediaPlan.MOH:
                self._moh.stopTransmit(audio)
            elif leg.plan is MediaPlan.PROMPT and leg.player is not None:
                leg.player.stopTransmit(audio)
            elif leg.plan is MediaPlan.PEER and leg.peer:
                peer_audio = self.audio(self._legs.get(leg.peer))
                if peer_audio is not None:
                    audio.stopTransmit(peer_audio)
                    peer_audio.stopTransmit(audio)
        except pj.Error:
            pass

    def release(self, leg: Leg) -> None:
        # The call's conference port is already gone; only drop what we own.
        leg.player = None
        if leg.peer and (peer := self._legs.get(leg.peer)):
            peer.peer, peer.plan = None, MediaPlan.SILENCE
        leg.peer = None

