"""What every command shares: the data directory, error handling, tables and --json."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import apsw
import click
import msgspec

from appliance.datadir import DataDir
from appliance.errors import BranchlineError
from appliance.store.database import StoreError

__all__ = ("EXIT_USAGE", "data_dir", "fail", "json_option", "open_store", "print_table", "reports_errors")

EXIT_USAGE = 2


class CliError(click.ClickException):
    exit_code = EXIT_USAGE


def fail(message: str) -> CliError:
    return CliError(message)


def reports_errors(command: Callable) -> Callable:
    """Library errors become one sentence on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BranchlineError as exc:
            raise fail(exc.message) from None
        except StoreError as exc:
            raise fail(str(exc)) from None
        except apsw.Error as exc:
            raise fail(f"the database refused the change: {exc}") from None

    return wrapper


def data_dir(ctx: click.Context) -> DataDir:
    return ctx.find_root().obj["data"]


def open_store(ctx: click.Context) -> apsw.Connection:
    return data_dir(ctx).open_store()


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")


def print_json(value: Any) -> None:
    click.echo(json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False))


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str) -> None:
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    if not rows:
        click.echo(empty)
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    click.echo("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths)).rstrip())
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
