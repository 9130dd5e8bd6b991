"""Setting up a pjsua2 endpoint the way every Branchline process that speaks SIP needs it.

Shared by the appliance's engine and the test phone; only the telephony package imports pjsua2.
"""

from __future__ import annotations

import wave

import pjsua2 as pj

from appliance.telephony.sdpguard import SdpGuard

__all__ = ("PJSUA_MAX_CALLS", "create_endpoint", "wav_seconds")

# Compile-time constant of the pjsua2-python 2.10.post6 wheel: maxCalls above it is clamped.
PJSUA_MAX_CALLS = 32
# G.711 telephony: an 8 kHz bridge costs a third of the CPU of pjsua's default 16 kHz.
CLOCK_RATE = 8000



def create_endpoint(*, max_calls: int, log_level: int = 1) -> pj.Endpoint:
    """An endpoint polled by its owner thread: callbacks arrive on that thread, with the GIL."""
    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    # NOTE: the SWIG module was built without thread support; a callback on a pjsip worker
    # thread would run without the GIL. No worker threads: the owner polls libHandleEvents.
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.uaConfig.maxCalls = max_calls
    cfg.uaConfig.userAgent = "Branchline"
    cfg.medConfig.clockRate = CLOCK_RATE
    cfg.medConfig.sndClockRate = CLOCK_RATE
    cfg.medConfig.noVad = True
    cfg.medConfig.ecTailLen = 0
    # NOTE: with the default, the null sound device closes after 1 s idle and later calls send no RTP.
    cfg.medConfig.sndAutoCloseTime = -1
    cfg.logConfig.level = log_level
    cfg.logConfig.consoleLevel = log_level
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    _offer_only_g711(ep)
    # NOTE: malformed SDP aborts this pjsip build; refuse it before pjsip parses it.
    ep.sdp_guard = SdpGuard()  # kept on the endpoint: pjsip calls into it for its whole life
    ep.sdp_guard.register()
    return ep


# Trunks and desk phones speak G.711. pjsua's defaults put Speex/16000 first, so two pjsua2
# endpoints would talk wideband Speex resampled to the 8 kHz bridge: most of the engine's CPU.
G711_PRIORITIES = {"PCMU/8000/1": 254, "PCMA/8000/1": 253}  # 254 is pjmedia's highest


def _offer_only_g711(ep: pj.Endpoint) -> None:
    for codec in ep.codecEnum2():
        ep.codecSetPriority(codec.codecId, G711_PRIORITIES.get(codec.codecId, 0))


def wav_seconds(path: str) -> float:
    with wave.open(path, "rb") as wav:
        return wav.getnframes() / wav.getframerate()
