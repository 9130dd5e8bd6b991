"""The data directory: the database, its backups, the branch's prompts and the local CLI token."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import apsw

from appliance.core.prompts import LANGUAGES as PROMPT_LANGUAGES
from appliance.errors import BranchlineError
from appliance.resources import migrations_dir
from appliance.store.database import DATABASE_FILE, connect
from appliance.store.migrations import migrate

__all__ = ("DataDir", "DataDirError")

DEFAULT_DIR = "branchline-data"
ENV_VAR = "BRANCHLINE_DATA"
TOKEN_FILE = "cli.token"
RUN_FILE = "server.json"


class DataDirError(BranchlineError):
    error_id = "data_dir"


class DataDir:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def resolve(cls, option: str | None) -> DataDir:
        """--data, else $BRANCHLINE_DATA, else ./branchline-data."""
        return cls(Path(option or os.environ.get(ENV_VAR) or DEFAULT_DIR).resolve())

    @property
    def database(self) -> Path:
        return self.root / DATABASE_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def prompts(self) -> Path:
        return self.root / "prompts"

    @property
    def recordings(self) -> Path:
        """Voicemail now, call recordings later: WAV files by kind and date."""
        return self.root / "recordings"

    @property
    def token_file(self) -> Path:
        return self.root / TOKEN_FILE

    @property
    def run_file(self) -> Path:
        return self.root / "run" / RUN_FILE

    def is_initialised(self) -> bool:
        return self.database.is_file()

    def require_usable(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise DataDirError(f"data directory {self.root} is a file, not a directory: pass --data with a directory.")
        if not self.root.is_dir():
            raise DataDirError(
                f"data directory {self.root} does not exist: run 'branchline --data {self.root} init' first."
            )
        if not os.access(self.root, os.R_OK | os.W_OK | os.X_OK):
            raise DataDirError(
                f"data directory {self.root} is not readable and writable by this user: fix its permissions "
                "or run as the user that owns it."
            )
        if not self.is_initialised():
            raise DataDirError(f"{self.root} holds no Branchline database: run 'branchline --data {self.root} init'.")

    def open_store(self, *, apply_migrations: bool = True) -> apsw.Connection:
        """Connect, and bring the schema up to date (after a backup) unless told not to."""
        self.require_usable()
        conn = connect(self.database)
        if apply_migrations:
            migrate(conn, migrations_dir(), self.backups)
        return conn

    def create(self) -> apsw.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "run").mkdir(exist_ok=True)
        conn = connect(self.database)
        migrate(conn, migrations_dir(), self.backups)
        self._make_prompt_folders()
        return conn

    def _make_prompt_folders(self) -> None:
        # Only the branch's own recordings live here ('branchline prompt add'); the shipped ones
        # stay in the package, so an upgrade's improved prompts are heard without a copy hiding them.
        for language in PROMPT_LANGUAGES:
            (self.prompts / language).mkdir(parents=True, exist_ok=True)

    # ---- the CLI's token and the running server's address --------------------------------------

    def write_token(self, token: str) -> None:
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(token + "\n")
        os.chmod(self.token_file, 0o600)

    def read_token(self) -> str:
        try:
            return self.token_file.read_text().strip()
        except OSError as exc:
            raise DataDirError(f"cannot read the CLI token {self.token_file}: {exc.strerror}; run as its owner.") from exc

    def write_run_info(self, http_url: str, sip_port: int) -> None:
        self.run_file.parent.mkdir(exist_ok=True)
        self.run_file.write_text(json.dumps({"pid": os.getpid(), "http": http_url, "sip_port": sip_port}))

    def read_run_info(self) -> dict | None:
        try:
            return json.loads(self.run_file.read_text())
        except (OSError, ValueError):
            return None

    def clear_run_info(self) -> None:
        self.run_file.unlink(missing_ok=True)


def generate_password() -> str:
    return secrets.token_urlsafe(12)
