"""appliance/resources.py: the shipped folders are found in a source checkout and inside the
single-file binary's unpacked bundle (sys._MEIPASS). Fast: runs under plain `make test` too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from appliance import resources

REPO = Path(__file__).resolve().parents[2]


def test_a_source_checkout_uses_the_top_level_folders():
    assert resources.bundle_root() is None
    assert resources.migrations_dir() == REPO / "migrations"
    assert resources.web_dir() == REPO / "web"
    assert resources.prompts_dir() == REPO / "appliance" / "prompts"


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """What PyInstaller's bootloader sets up: sys.frozen and the unpacked folder sys._MEIPASS."""
    for folder in ("migrations", "web", "appliance/prompts"):
        (tmp_path / folder).mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return tmp_path


def test_the_single_binary_uses_its_unpacked_bundle(bundle):
    assert resources.bundle_root() == bundle
    assert resources.migrations_dir() == bundle / "migrations"
    assert resources.web_dir() == bundle / "web"
    assert resources.prompts_dir() == bundle / "appliance" / "prompts"


def test_a_folder_missing_everywhere_is_reported(bundle, monkeypatch):
    (bundle / "web").rmdir()
    monkeypatch.setattr(resources, "_SOURCE_TREE", bundle / "nowhere")
    monkeypatch.setattr(resources, "_PACKAGE", bundle / "nowhere" / "appliance")
    with pytest.raises(FileNotFoundError, match="the web/ folder that ships with Branchline is missing"):
        resources.web_dir()
