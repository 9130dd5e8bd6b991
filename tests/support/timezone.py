"""Tests of local days run in a time zone whose midnight is not UTC's, so that a formula mixing
the two fails."""

from __future__ import annotations

import time

import pytest

__all__ = ("shanghai",)


@pytest.fixture(autouse=True)
def shanghai(monkeypatch):
    """Asia/Shanghai (UTC+8, no daylight saving) for the test module that imports this fixture."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
