"""Read Stellwerk's configuration from the environment, once, at the entry point."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

# The BA Jobsuche service; a mirror or a local imitation can stand in for it.
BA_BASE_URL = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that come from the environment (`STELLWERK_*`, `DATABASE_URL`)."""

    data_dir: Path
    database_url: str | None
    debug: bool
    secret_key: str
    allowed_hosts: tuple[str, ...]
    ba_base_url: str = BA_BASE_URL
    ba_requests_per_second: float = 2.0
    sources_file: Path | None = None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path, explicit: str | None) -> str:
    """Return the configured secret, else one generated once and kept in the data directory."""
    if explicit:
        return explicit
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not end up with different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Build the configuration from environment variables and create the data directory."""
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(env.get("STELLWERK_DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    hosts = env.get("STELLWERK_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    return Config(
        data_dir=data_dir,
        database_url=env.get("DATABASE_URL") or None,
        debug=_truthy(env.get("STELLWERK_DEBUG")),
        secret_key=_secret_key(data_dir, env.get("STELLWERK_SECRET_KEY")),
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip()),
        ba_base_url=env.get("STELLWERK_BA_BASE_URL") or BA_BASE_URL,
        ba_requests_per_second=float(env.get("STELLWERK_BA_RATE") or 2.0),
        sources_file=_sources_file(data_dir, env.get("STELLWERK_SOURCES")),
    )


def _sources_file(data_dir: Path, explicit: str | None) -> Path | None:
    """Return the file of recurring source runs: the one named, else `sources.toml` in the data directory."""
    if explicit:
        return Path(explicit).resolve()
    default = data_dir / "sources.toml"
    return default if default.exists() else None
