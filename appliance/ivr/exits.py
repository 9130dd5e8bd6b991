"""The nodes that take a call out of the IVR: to a queue (perhaps coming back for a survey), to an
outside number, into a voicemail box, or off the line."""

from __future__ import annotations

from appliance.ivr.actions import EnterQueue, RecordVoicemail, StopRecording, TransferOut
from appliance.ivr.nodes import Hangup, QueueNode, Transfer, Voicemail, prompt_names
from appliance.ivr.visits import Visit

__all__ = ("HangupVisit", "QueueVisit", "TransferVisit", "VoicemailVisit")


class QueueVisit(Visit[QueueNode]):
    """Announces, then hands the caller to the ACD; with `after`, the call comes back here when
    the agent hangs up and goes on to that node (a survey)."""

    queued = False

    def enter(self, now: float) -> None:
        if not self.session.play(prompt_names(self.node.prompt), barge_in=False):
            self.prompt_finished(now)

    def prompt_finished(self, now: float) -> None:
        session, node = self.session, self.node
        session.step("queued", details={"queue": node.queue})
        session.emit(
            EnterQueue(
                queue=node.queue,
                priority=session.priority,
                skill=session.skill,
                skill_level=session.skill_level,
                survey_after=node.after is not None,
            )
        )
        self.queued = True
        session.reached_queue(comes_back=node.after is not None)

    def agent_hung_up(self, now: float) -> None:
        if self.queued and self.node.after is not None:
            self.queued = False
            self.go(self.node.after)


class TransferVisit(Visit[Transfer]):
    dialling = False
    was_contained = True

    def enter(self, now: float) -> None:
        if not self.session.play(prompt_names(self.node.prompt), barge_in=False):
            self.prompt_finished(now)

    def prompt_finished(self, now: float) -> None:
        self.session.step("dialled", details={"number": self.node.number})
        self.session.emit(TransferOut(number=self.node.number, timeout=self.node.timeout))
        self.dialling = True
        self.was_contained = self.session.contained
        self.session.contained = False  # the caller is handed outside: not kept by the IVR

    def transfer_failed(self, reason: str, now: float) -> None:
        if not self.dialling:
            return
        self.dialling = False
        self.session.contained = self.was_contained
        self.session.step("failed", details={"reason": reason})
        self.go(self.node.on_failure)


class VoicemailVisit(Visit[Voicemail]):
    phase = "intro"  # intro -> recording -> (stopping ->) done

    def enter(self, now: float) -> None:
        if not self.session.play(prompt_names(self.node.prompt), barge_in=False):
            self._record()

    def _record(self) -> None:
        self.phase = "recording"
        self.session.emit(RecordVoicemail(queue=self.node.queue, max_seconds=self.node.max_seconds))

    def digit(self, key: str, now: float) -> None:
        if self.phase == "recording" and key == "#":
            self.phase = "stopping"
            self.session.emit(StopRecording())

    def recording_finished(self, seconds: float, now: float) -> None:
        if self.phase not in ("recording", "stopping"):
            return
        self.phase = "done"
        self.session.step("recorded", details={"queue": self.node.queue, "seconds": f"{seconds:.0f}"})
        if not self.session.play(prompt_names(self.node.done_prompt), barge_in=False):
            self.end("voicemail left")

    def prompt_finished(self, now: float) -> None:
        if self.phase == "intro":
            self._record()
        elif self.phase == "done":
            self.end("voicemail left")


class HangupVisit(Visit[Hangup]):
    def enter(self, now: float) -> None:
        self.session.step("ended")
        if not self.session.play(prompt_names(self.node.prompt), barge_in=False):
            self.end("flow ended")

    def prompt_finished(self, now: float) -> None:
        self.end("flow ended")
