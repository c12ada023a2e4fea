"""Suite-wide fixtures: hypothesis settings, a fresh search index per test, imported sample data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# The machine is shared and noisy: timing-based health checks would make property tests flaky.
settings.register_profile("stellwerk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("stellwerk")


@pytest.fixture
def search_index(settings: object, tmp_path: Path) -> Iterator[Path]:
    """Point the search index at an empty directory of this test."""
    path = tmp_path / "index"
    settings.SEARCH_INDEX_DIR = path  # type: ignore[attr-defined]
    return path


@pytest.fixture
def reference_data(db: None) -> None:
    """Load the packaged gazetteer and taxonomy into the test database."""
    from stellwerk.postings.reference_data import load_reference_data
    from stellwerk.reference.gazetteer import default_gazetteer
    from stellwerk.reference.taxonomy import default_taxonomy

    load_reference_data(default_gazetteer(), default_taxonomy())


@pytest.fixture
def sample_postings(reference_data: None, search_index: Path) -> None:
    """Import the committed BA sample (47 records) and bring the index up to date."""
    from stellwerk.normalize.posting import default_normalizers
    from stellwerk.postings.importing import import_records
    from stellwerk.postings.indexing import process_outbox
    from stellwerk.sources.ba_jobsuche import read_file

    import_records(read_file(FIXTURES / "ba_search_sample.json"), default_normalizers())
    process_outbox()


@pytest.fixture(autouse=True)
def fresh_duplicate_clusterer() -> Iterator[None]:
    """Start every test with an empty in-memory clusterer: the previous test's database is gone."""
    yield
    from stellwerk.postings.dedup import forget

    forget()
