"""The README documents every command and every setting a user can give."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "stellwerk"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_stellwerk_command_is_in_the_readme() -> None:
    commands = sorted(p.stem for p in SRC.glob("*/management/commands/*.py") if not p.stem.startswith("_"))
    assert commands
    missing = [name for name in commands if f"stellwerk {name}" not in README]
    assert not missing, f"README lacks: {missing}"


def test_every_environment_variable_is_in_the_readme() -> None:
    source = (SRC / "config.py").read_text(encoding="utf-8")
    variables = sorted(set(re.findall(r'"((?:STELLWERK|DATABASE)_[A-Z_]+)"', source)))
    assert "STELLWERK_DATA_DIR" in variables
    missing = [name for name in variables if f"`{name}`" not in README]
    assert not missing, f"README lacks: {missing}"


def test_the_quickstart_has_exactly_the_two_commands() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    assert re.findall(r"^python3 dev.py (\w+)", quickstart, re.M) == ["run", "test"]
    dev = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert '"run"' in dev
    assert '"test"' in dev
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
