#!/usr/bin/env python3
"""Developer entry point that needs nothing but Python 3.11: `python3 dev.py run` or `python3 dev.py test`.

run   create .venv, install Stellwerk, import the demo data into ./var and serve http://127.0.0.1:8000
test  create .venv, install Stellwerk with its test tools, run the whole suite on SQLite, and on
      PostgreSQL too where STELLWERK_TEST_DATABASE_URL is set
lint  ruff check, ruff format --check, mypy --strict
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".stellwerk-installed"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command in the repository, stopping with its exit code when it fails."""
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env, check=False)
    if result.returncode:
        sys.exit(result.returncode)


def install() -> None:
    """Create .venv and install Stellwerk with its dev tools; again only after pyproject.toml changed."""
    # This file may be started by an older python3 than the project needs: say so plainly.
    if sys.version_info < (3, 11):  # noqa: UP036
        sys.exit(f"Stellwerk needs Python 3.11 or newer, this is {sys.version.split()[0]}")
    pyproject = ROOT / "pyproject.toml"
    if STAMP.exists() and STAMP.stat().st_mtime >= pyproject.stat().st_mtime:
        return
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.touch()


def main() -> None:
    """Dispatch the subcommand."""
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in {"run", "test", "lint"}:
        sys.exit(__doc__)
    install()
    if command == "run":
        host, port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
        run(BIN / "stellwerk", "import", "--demo")
        run(BIN / "stellwerk", "serve", "--host", host, "--port", port)
    elif command == "test":
        run(BIN / "pytest")
        url = os.environ.get("STELLWERK_TEST_DATABASE_URL")
        if url:
            print(f"--- again on PostgreSQL ({url})", flush=True)
            run(BIN / "pytest", env={**os.environ, "STELLWERK_TEST_BACKEND": "postgres"})
        else:
            print("STELLWERK_TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    else:
        run(BIN / "ruff", "check", "src", "tests", "scripts", "bench", "dev.py")
        run(BIN / "ruff", "format", "--check", "src", "tests", "scripts", "bench", "dev.py")
        run(BIN / "mypy")


if __name__ == "__main__":
    main()
