"""A serving process loads its reference data before the first request and freezes it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from stellwerk.postings.serving import prepare_serving


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_prepared_process_keeps_its_reference_data_out_of_collections(unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0
    prepare_serving()
    assert gc.get_freeze_count() > 100_000
