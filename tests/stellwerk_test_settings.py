"""Test settings: a throw-away data directory; SQLite, or PostgreSQL when STELLWERK_TEST_BACKEND=postgres."""

from __future__ import annotations

import os
import tempfile

# Must be set before stellwerk.settings reads the environment.
os.environ["STELLWERK_DATA_DIR"] = tempfile.mkdtemp(prefix="stellwerk-test-")
os.environ.pop("DATABASE_URL", None)

import dj_database_url

from stellwerk.settings import *  # noqa: F403
from stellwerk.settings import DATABASES

if os.environ.get("STELLWERK_TEST_BACKEND") == "postgres":
    url = os.environ.get("STELLWERK_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError("STELLWERK_TEST_BACKEND=postgres needs STELLWERK_TEST_DATABASE_URL")
    DATABASES["default"] = dict(dj_database_url.parse(url))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
