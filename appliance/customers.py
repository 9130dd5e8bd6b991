"""The customer directory's data: who is calling, and what their tier means for routing."""

from __future__ import annotations

import msgspec

__all__ = ("Customer", "CustomerTier")


class CustomerTier(msgspec.Struct, frozen=True):
    """A tier raises its customers' priority in the queue and can ask for a skill (a VIP desk)."""

    name: str
    priority: int = 0
    skill: str | None = None
    skill_level: int | None = None


class Customer(msgspec.Struct, frozen=True):
    """One customer: `ref` is the bank's customer number; `numbers` their phone numbers,
    normalised by `appliance.phone_numbers` (digits, a leading + kept). `tier` is the tier's full record."""

    ref: str
    name: str
    tier: CustomerTier
    numbers: tuple[str, ...] = ()
    language: str | None = None
    account_manager: str | None = None
