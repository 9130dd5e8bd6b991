"""Fixtures for end-to-end and stress tests: a demo-like branch with short prompts, its server, its phones."""

from __future__ import annotations

import pytest

from tests.support.branch import Branch, Phone, Server


@pytest.fixture
def branch(tmp_path) -> Branch:
    """A branch with a trunk for 127.0.0.1, DID 100 -> queue general (2 s ring timeout, 1 s wrap-up,
    8 s max wait) and agents ann and bob with the general skill. Seats are added per test."""
    b = Branch(tmp_path)
    b.init()
    b.use_short_prompts()
    b.cli("trunk", "add", "local", "--gateway", "127.0.0.1")
    b.cli("queue", "add", "general", "--skill", "general", "--ring-timeout", "2", "--wrapup", "1", "--max-wait", "8")
    b.cli("did", "add", "100", "--queue", "general")
    b.cli("agent", "add", "ann", "--name", "Ann Lee", "--skill", "general:5")
    b.cli("agent", "add", "bob", "--name", "Bob Wu", "--skill", "general:5")
    return b


@pytest.fixture
def server(branch):
    s = Server(branch)
    yield s
    if s.alive():
        s.stop()


@pytest.fixture
def phones(tmp_path):
    started: list[Phone] = []

    def start(*args: str, user: str = "phone") -> Phone:
        phone = Phone(tmp_path, *args, user=user)
        started.append(phone)
        return phone

    yield start
    for phone in started:
        phone.close()

