"""Where the files that ship beside the code live (migrations, prompts, web assets).

The one place that knows the three ways Branchline runs:

* a source checkout (or an editable install): the top-level ``migrations/`` and ``web/`` folders
  beside the ``appliance/`` package;
* an installed wheel: a copy under ``appliance/_data/``;
* the single-file binary (PyInstaller, ``packaging/branchline.spec``): the bundle unpacks into
  ``sys._MEIPASS`` with ``migrations/`` and ``web/`` at its top and the package's own data files
  (prompts, the demo's files, the standard scorecard) under ``appliance/`` as in the source tree.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ("bundle_root", "migrations_dir", "prompts_dir", "web_dir")

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE = _PACKAGE.parent


def bundle_root() -> Path | None:
    """The folder the single-file binary unpacked itself into, or None when not running from it."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if getattr(sys, "frozen", False) and root else None


def _shipped(name: str) -> Path:
    bundle = bundle_root()
    candidates = [bundle / name] if bundle is not None else []
    candidates += [_SOURCE_TREE / name, _PACKAGE / "_data" / name]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ folder that ships with Branchline is missing; reinstall the package")


def migrations_dir() -> Path:
    return _shipped("migrations")


def web_dir() -> Path:
    return _shipped("web")


def prompts_dir() -> Path:
    bundle = bundle_root()
    if bundle is not None and (bundle / "appliance" / "prompts").is_dir():
        return bundle / "appliance" / "prompts"
    return _PACKAGE / "prompts"
