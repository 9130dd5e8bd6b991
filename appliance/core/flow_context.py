"""What `ivr check` checks a flow against: this branch's prompts, queues and dial plan."""

from __future__ import annotations

from appliance.core.dialplan import outbound_target
from appliance.core.prompts import PromptLibrary
from appliance.ivr.check import FlowContext
from appliance.model import BranchConfig

__all__ = ("flow_context",)


def flow_context(config: BranchConfig, prompts: PromptLibrary) -> FlowContext:
    def dial_refusal(number: str) -> str | None:
        target = outbound_target(config, number)
        return target if isinstance(target, str) else None

    return FlowContext(prompts.exists, frozenset(q.name for q in config.queues), dial_refusal=dial_refusal)
