"""The relevance fixture is exactly what scripts/build_relevance_fixture.py builds from ../shared/data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "postings"
COMMITTED = REPO / "tests" / "fixtures" / "relevance"
BUILDER = REPO / "scripts" / "build_relevance_fixture.py"


@pytest.mark.needs_shared
def test_builder_reproduces_the_committed_fixture(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is not present: {SHARED} holds the postings the fixture is drawn from")
    result = subprocess.run(
        [sys.executable, str(BUILDER), "--out", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "without a grade-3 posting: []" in result.stdout
    for name in ("postings.json", "judgments.json"):
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes(), name
