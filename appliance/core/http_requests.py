"""The IVR `http` node's requests: POST JSON to a local service (core banking) on the asyncio
loop, without ever holding up the switchboard; every outcome comes back as (answer, error)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx

from appliance.ivr.actions import HttpPost

__all__ = ("HttpRequests",)


class HttpRequests:
    def __init__(self, answered: Callable[[str, dict | None, str], None]) -> None:
        self._answered = answered
        self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False)  # a proxy never sees bank data
        self._running: set[asyncio.Task] = set()  # referenced until done, or asyncio may drop them

    def start(self, call_id: str, post: HttpPost) -> None:
        task = asyncio.get_running_loop().create_task(self._post(call_id, post))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def close(self) -> None:
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        await self._client.aclose()

    async def _post(self, call_id: str, post: HttpPost) -> None:
        answer, error = await self._ask(post)
        self._answered(call_id, answer, error)

    async def _ask(self, post: HttpPost) -> tuple[dict | None, str]:
        # httpx's timeout bounds each read, not the whole exchange: a service that trickles its
        # answer could hold the caller in the http node for ever. The node waits for exactly one
        # answer, so it must always come, and within `timeout`.
        try:
            async with asyncio.timeout(post.timeout):
                response = await self._client.post(post.url, json=post.body, timeout=post.timeout)
        except (httpx.TimeoutException, TimeoutError):
            return None, f"no answer within {post.timeout:g} s"
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if not response.is_success:
            return None, f"status {response.status_code}"
        try:
            answer = response.json()
        except ValueError:
            return None, "the answer is not JSON"
        if not isinstance(answer, dict):
            return None, "the answer is not a JSON object"
        return answer, ""
