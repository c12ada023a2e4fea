"""Bring a data directory's database up to date: migrations and packaged reference data."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stellwerk.postings.reference_data import load_reference_data, reference_data_loaded
from stellwerk.reference.gazetteer import default_gazetteer
from stellwerk.reference.taxonomy import default_taxonomy


def pending_migrations() -> bool:
    """Return whether the database lacks any migration."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def prepare_database() -> None:
    """Create or migrate the database and load the reference data, doing nothing when both are current."""
    if pending_migrations():
        call_command("migrate", interactive=False, verbosity=0)
    gazetteer, taxonomy = default_gazetteer(), default_taxonomy()
    if not reference_data_loaded(gazetteer, taxonomy):
        load_reference_data(gazetteer, taxonomy)
