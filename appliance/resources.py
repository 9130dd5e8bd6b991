"""Where the files that ship beside the code live (migrations, prompts, web assets)."""

from __future__ import annotations

from pathlib import Path

__all__ = ("migrations_dir", "prompts_dir", "web_dir")

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parent


def _shipped(name: str) -> Path:
    # In a checkout (and an editable install) the top-level folder is used as it is; a built
    # package carries a copy under appliance/_data/.
    for candidate in (_SOURCE_TREE / name, _PACKAGE / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder that ships with Branchline is missing; reinstall the package")


def migrations_dir() -> Path:
    return _shipped("migrations")


def web_dir() -> Path:
    return _shipped("web")


def prompts_dir() -> Path:
    return _PACKAGE / "prompts"
