"""The store's one connection belongs to the event loop's thread; nothing in the web app may leave it.

Litestar runs a plain-function handler, guard or dependency on a worker thread unless told otherwise.
A guard that did (it looked up the API token) collided with the switchboard's writes and lost a call's
events; this test walks every route so the next one is caught here, not in a SIP test by luck.
"""

from __future__ import annotations

from litestar.utils.sync import AsyncCallable

from appliance.resources import migrations_dir
from appliance.store.database import connect
from appliance.store.migrations import migrate
from appliance.web.app import create_app
from appliance.web.services import Services


def _handlers(app):
    for route in app.routes:
        yield from getattr(route, "route_handlers", None) or [route.route_handler]


def test_every_handler_guard_and_dependency_runs_on_the_loop_thread(tmp_path):
    conn = connect(tmp_path / "b.db")
    migrate(conn, migrations_dir(), tmp_path / "backups")
    app = create_app(Services(conn, object(), lambda: {}, lambda: {}))
    off_loop = []
    for handler in _handlers(app):
        name = f"{handler.handler_name} {sorted(handler.paths)}"
        if getattr(handler, "has_sync_callable", False) and handler.sync_to_thread is not False:
            off_loop.append(f"{name}: handler")
        off_loop += [f"{name}: guard {g.func.__name__}" for g in handler.resolve_guards() if isinstance(g, AsyncCallable)]
        for key, provider in handler.resolve_dependencies().items():
            if provider.has_sync_callable and provider.sync_to_thread:
                off_loop.append(f"{name}: dependency {key}")
    assert off_loop == []
