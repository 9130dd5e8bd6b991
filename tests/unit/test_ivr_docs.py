"""docs/ivr.md shows the demo bank's flow in full: it must be the file that ships, not an old copy."""

from __future__ import annotations

from pathlib import Path

from appliance.demo import BANK_FLOW_FILE

DOC = Path(__file__).resolve().parents[2] / "docs" / "ivr.md"


def test_the_complete_example_in_the_docs_is_the_shipped_demo_flow():
    appendix = DOC.read_text(encoding="utf-8").split("## Appendix: a complete flow", 1)[1]
    shown = appendix.split("```toml\n", 1)[1].split("\n```", 1)[0]
    assert shown == BANK_FLOW_FILE.read_text(encoding="utf-8").rstrip("\n")
