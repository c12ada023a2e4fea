"""The packaged reference data is exactly what scripts/build_reference_data.py builds from ../shared/data."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
PACKAGED = REPO / "src" / "stellwerk" / "data"
BUILDER = REPO / "scripts" / "build_reference_data.py"
BUILT_FILES = ("places.tsv.gz", "kldb.tsv.gz", "berufe.tsv.gz", "job_titles.tsv.gz")


@pytest.mark.needs_shared
def test_builder_reproduces_the_packaged_files_byte_for_byte(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(
            f"../shared/data is not present: {SHARED} holds the sources the reference data is built from"
        )
    result = subprocess.run(
        [sys.executable, str(BUILDER), "--shared", str(SHARED), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "places 14,517, kldb 1,300, berufe 15,242, job_titles 18,838" in result.stdout
    for name in BUILT_FILES:
        built, packaged = (tmp_path / name).read_bytes(), (PACKAGED / name).read_bytes()
        if built != packaged:
            same_text = gzip.decompress(built) == gzip.decompress(packaged)
            cause = "only the gzip stream differs (another zlib?)" if same_text else "the content differs"
            pytest.fail(f"{name}: {cause}; rerun scripts/build_reference_data.py and commit the result")
