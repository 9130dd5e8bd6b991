"""Talking to the running server over its local HTTP API, with the token kept in the data dir."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from appliance.datadir import DataDir
from appliance.errors import BranchlineError, ServerNotRunning

__all__ = ("request",)

TIMEOUT_S = 5.0
# The server is always local: a proxy from the environment must not be asked for it.
_local = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(data: DataDir, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    info = data.read_run_info()
    if info is None:
        raise ServerNotRunning(
            f"the Branchline server is not running for {data.root}: start it with 'branchline serve'."
        )
    token = data.read_token()
    payload = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        info["http"] + path,
        data=payload,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with _local.open(req, timeout=TIMEOUT_S) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("message", exc.reason)
        except ValueError:
            message = exc.reason
        raise BranchlineError(str(message)) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise ServerNotRunning(
            f"cannot reach the Branchline server at {info['http']} ({getattr(exc, 'reason', exc)}): "
            "is 'branchline serve' running for this data directory?"
        ) from None
