"""Finding a prompt's WAV file: the branch's own recording first, then the shipped default."""

from __future__ import annotations

from pathlib import Path

from appliance.core.say import SAY_PROMPTS

__all__ = ("PROMPT_NAMES", "PromptLibrary")

# The prompts the call path plays, announcements included; `doctor` checks each exists in
# every language.
PROMPT_NAMES = ("welcome", "sorry", "busy", "closed", *SAY_PROMPTS)
LANGUAGES = ("en", "zh")


class PromptLibrary:
    def __init__(self, custom: Path, shipped: Path) -> None:
        self.custom = custom
        self.shipped = shipped

    def path(self, name: str, language: str) -> str:
        for folder in (self.custom / language, self.shipped / language):
            candidate = folder / f"{name}.wav"
            if candidate.is_file():
                return str(candidate)
        raise FileNotFoundError(f"prompt {name!r} has no recording in {language!r}")

    def music_on_hold(self) -> str:
        custom = self.custom / "moh.wav"
        return str(custom if custom.is_file() else self.shipped / "moh.wav")

    def missing(self) -> list[str]:
        """'lang/name' of every prompt with no file at all: what `doctor` reports."""
        return [
            f"{language}/{name}"
            for language in LANGUAGES
            for name in PROMPT_NAMES
            if not (self.custom / language / f"{name}.wav").is_file()
            and not (self.shipped / language / f"{name}.wav").is_file()
        ]
