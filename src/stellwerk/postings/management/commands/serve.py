"""`stellwerk serve`: serve the site and the API with the waitress WSGI server."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import waitress
from django.core.management.base import BaseCommand

from stellwerk.postings.indexing import process_outbox
from stellwerk.postings.serving import prepare_serving
from stellwerk.wsgi import application


class Command(BaseCommand):
    """Serve Stellwerk on a production-grade WSGI server (waitress); static files included."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Catch up on index work an interrupted import left behind, so search matches the database.
        process_outbox()
        prepare_serving()
        host, port = options["host"], options["port"]
        self.stdout.write(f"Stellwerk läuft auf http://{host}:{port}/  (Beenden mit Strg+C)")
        waitress.serve(application, host=host, port=port, threads=options["threads"], ident="stellwerk")
