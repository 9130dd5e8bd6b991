"""The branch's own voice prompts: record once, add here, heard on the next call."""

from __future__ import annotations

from pathlib import Path

import click

from appliance.cli.common import data_dir, json_option, print_json, print_table, reports_errors
from appliance.core.prompts import LANGUAGES, PROMPT_NAMES, PromptLibrary, check_prompt_name, read_recording
from appliance.resources import prompts_dir

__all__ = ("prompt",)

language_option = click.option("--lang", "language", type=click.Choice(LANGUAGES), required=True,
                               help="The language folder the recording is for.")


def _library(ctx: click.Context) -> PromptLibrary:
    data = data_dir(ctx)
    data.require_usable()
    return PromptLibrary(data.prompts, prompts_dir())


@click.group()
def prompt() -> None:
    """The voice prompts callers hear: the branch's own recordings, and the shipped defaults.

    \b
    A recording added here is played instead of the shipped prompt of the same name, from the
    next time the prompt plays (no restart). A new name is a prompt that flows can play.
    """


@prompt.command("add")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@language_option
@click.option("--force", is_flag=True, help="Replace the branch's own recording of NAME if there is one.")
@click.pass_context
@reports_errors
def prompt_add(ctx: click.Context, name: str, file: Path, language: str, force: bool) -> None:
    """Add the branch's own recording of a prompt, converted to 8 kHz mono 16-bit.

    FILE is a WAV (any rate, mono or stereo, 8- to 32-bit, integer or float), FLAC, OGG or MP3
    recording from 0.2 s to 10 minutes long.

    Example:

        branchline prompt add welcome welcome-recorded.wav --lang en

        branchline prompt add bank-welcome bank-welcome-zh.flac --lang zh --force
    """
    check_prompt_name(name)
    library = _library(ctx)
    recording = read_recording(file)
    replaced = library.is_custom(name, language)
    dest = library.add(name, language, recording, force=force)
    verb = "Replaced" if replaced else "Added"
    click.echo(f"{verb} {language}/{name}: {recording.seconds:.2f} s, converted from "
               f"{recording.source_rate} Hz {_channels(recording.source_channels)} to 8000 Hz mono ({dest}).")
    if name not in PROMPT_NAMES and not (prompts_dir() / language / f"{name}.wav").is_file():
        click.echo(f"Note: {name} is a prompt of the branch's own; flows can play it by that name.")
    for other in LANGUAGES:
        if other != language and not library.exists(name, other):
            click.echo(f"Note: {name} has no {other} recording yet; record one so that {other} callers hear it too.")


@prompt.command("list")
@click.option("--lang", "language", type=click.Choice(LANGUAGES), help="Only this language.")
@json_option
@click.pass_context
@reports_errors
def prompt_list(ctx: click.Context, language: str | None, as_json: bool) -> None:
    """List every prompt, whether callers hear the branch's own recording or the shipped one, and its length.

    Example:

        branchline prompt list --lang zh
    """
    entries = _library(ctx).entries(language)
    if as_json:
        print_json(entries)
        return
    rows = [(e.name, e.language, e.source, "unreadable" if e.seconds is None else f"{e.seconds:.2f}") for e in entries]
    print_table(("name", "lang", "source", "seconds"), rows, empty="No prompts at all: reinstall Branchline.")


@prompt.command("remove")
@click.argument("name")
@language_option
@click.pass_context
@reports_errors
def prompt_remove(ctx: click.Context, name: str, language: str) -> None:
    """Remove the branch's own recording of a prompt; the shipped one, if any, plays again.

    Example:

        branchline prompt remove welcome --lang en
    """
    check_prompt_name(name)
    if _library(ctx).remove(name, language):
        click.echo(f"Removed the branch's recording of {language}/{name}; callers hear the shipped one again.")
    else:
        click.echo(f"Removed {language}/{name}; no shipped prompt has that name, so flows that play it now play nothing.")


def _channels(count: int) -> str:
    return {1: "mono", 2: "stereo"}.get(count, f"{count} channels")
