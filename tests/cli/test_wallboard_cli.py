"""The wallboard's thresholds from the admin CLI, and the floor document that carries them."""

from __future__ import annotations

import json

from tests.support.branch import Branch


def test_thresholds_are_shown_set_checked_and_audited(tmp_path):
    branch = Branch(tmp_path)
    branch.init()
    shown = json.loads(branch.cli("wallboard", "thresholds", "--json").stdout)
    assert shown == {"waiting": [3, 6], "longest_wait": [60, 120], "service_level": [80, 60]}

    branch.cli("wallboard", "thresholds", "--waiting", "2:4", "--service-level", "90:75")
    shown = json.loads(branch.cli("wallboard", "thresholds", "--json").stdout)
    assert shown == {"waiting": [2, 4], "longest_wait": [60, 120], "service_level": [90, 75]}

    # An alarm on the wrong side of its warning, or a malformed pair, is refused and changes nothing.
    wrong = branch.cli("wallboard", "thresholds", "--waiting", "1:1", "--service-level", "70:80", check=False)
    assert wrong.returncode == 2 and "service-level: the alarm level must be at or below" in wrong.stderr
    garbled = branch.cli("wallboard", "thresholds", "--longest-wait", "soon", check=False)
    assert garbled.returncode == 2 and "'soon' is not WARN:ALARM" in garbled.stderr
    assert json.loads(branch.cli("wallboard", "thresholds", "--json").stdout)["waiting"] == [2, 4]

    [entry] = [e for e in json.loads(branch.cli("audit", "--json").stdout) if e["action"] == "wallboard_thresholds_set"]
    assert entry["details"] == {"waiting": "2:4", "service_level": "90:75"}
