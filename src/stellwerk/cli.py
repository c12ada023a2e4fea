"""The `stellwerk` command: Django management commands on a database that is prepared on first use."""

from __future__ import annotations

import os
import sys

# Commands that must run without touching the database (help texts, migration authoring).
_NO_PREPARE = {"help", "--help", "-h", "--version", "version", "makemigrations", "check"}


def main(argv: list[str] | None = None) -> int:
    """Run a `stellwerk` subcommand, creating and migrating the database first when needed."""
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stellwerk.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    if args and args[0] not in _NO_PREPARE:
        from stellwerk.postings.setup import prepare_database

        prepare_database()
    execute_from_command_line(["stellwerk", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
