"""The `stellwerk` command end to end, in fresh data directories (embedded SQLite)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# The command runs on its embedded default (SQLite in a fresh data directory), whatever database the suite
# uses, so one pass is enough.
pytestmark = pytest.mark.skipif(
    os.environ.get("STELLWERK_TEST_BACKEND") == "postgres",
    reason="CLI tests use the embedded SQLite default and already ran in the SQLite pass",
)


def stellwerk(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["STELLWERK_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "stellwerk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_every_command_works_on_an_empty_data_directory(tmp_path: Path) -> None:
    result = stellwerk(tmp_path / "var", "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["postings"] == 0
    assert stats["active"] == 0
    assert stats["indexed"] == 0
    assert stats["places"] > 10_000
    assert stats["occupations"] >= 1_300
    assert (tmp_path / "var" / "stellwerk.sqlite3").exists()


def test_import_is_idempotent_and_the_index_follows(tmp_path: Path) -> None:
    data = tmp_path / "var"
    first = stellwerk(data, "import", str(FIXTURES / "ba_search_sample.json"))
    assert first.returncode == 0, first.stderr
    assert "47 gelesen: 47 neu, 0 aktualisiert, 0 unverändert, 0 abgelehnt" in first.stdout
    second = stellwerk(data, "import", str(FIXTURES / "ba_search_sample.json"))
    assert "47 gelesen: 0 neu, 0 aktualisiert, 47 unverändert, 0 abgelehnt" in second.stdout
    stats = json.loads(stellwerk(data, "stats", "--json").stdout)
    assert stats["postings"] == stats["active"] == stats["indexed"] == 47
    assert stats["sources"] == 1
    assert stats["by_source"]["ba"] == {"records": 47, "rejected": 0}
    reindexed = stellwerk(data, "reindex")
    assert reindexed.returncode == 0
    assert reindexed.stdout.startswith("47 Stellenangebote indexiert")


def test_broken_records_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [json.dumps({"refnr": "a", "titel": "Koch"}), "{kaputt", json.dumps({"refnr": "b", "titel": ""})]
        ),
        encoding="utf-8",
    )
    result = stellwerk(tmp_path / "var", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "3 gelesen: 1 neu, 0 aktualisiert, 0 unverändert, 2 abgelehnt" in result.stdout
    assert "Zeile 2: invalid JSON" in result.stdout
    assert (
        "Zeile 3: neither 'titel' ('stellenangebotsTitel') nor 'beruf' ('hauptberuf') is given"
        in result.stdout
    )


def test_exit_code_is_non_zero_only_when_nothing_could_be_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{kaputt", encoding="utf-8")
    result = stellwerk(tmp_path / "var", "import", str(bad), str(tmp_path / "fehlt.csv"))
    assert result.returncode != 0
    assert "nothing could be read" in result.stderr
    assert "invalid JSON" in result.stderr
    partly = stellwerk(tmp_path / "var", "import", str(bad), str(FIXTURES / "ba_search_sample.csv"))
    assert partly.returncode == 0, partly.stderr
    assert "1 Datei(en) nicht lesbar" in partly.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_http(tmp_path: Path) -> None:
    data = tmp_path / "var"
    assert stellwerk(data, "import", str(FIXTURES / "ba_search_sample.json")).returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["STELLWERK_DATA_DIR"] = str(data)
    server = subprocess.Popen(
        [sys.executable, "-m", "stellwerk.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/jobs?wo=Bamberg", timeout=5
                ) as response:
                    body = response.read().decode()
                    headers = dict(response.headers)
                break
            except OSError:
                time.sleep(0.2)
        assert json.loads(body)["count"] > 0
        assert headers["Server"] == "stellwerk"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/web/stellwerk.css", timeout=5
        ) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("args", [["--help"], ["import", "--help"], ["serve", "--help"]])
def test_help_texts(tmp_path: Path, args: list[str]) -> None:
    result = stellwerk(tmp_path / "var", *args)
    assert result.returncode == 0
    assert "stellwerk" in result.stdout or "usage" in result.stdout.lower()


def test_classify_adds_codes_and_confidences_to_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "titel.csv"
    path.write_text(
        "titel;arbeitgeber\n"
        "Gesundheits- und Krankenpfleger (m/w/d);Klinikum Dortmund\n"
        "Gabelstaplerfahrer;Lager GmbH\n"
        ";\n",
        encoding="utf-8",
    )
    result = stellwerk(tmp_path / "var", "classify", str(path))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["titel"] for r in rows] == ["Gesundheits- und Krankenpfleger (m/w/d)", "Gabelstaplerfahrer", ""]
    assert rows[0]["kldb"].startswith("813")
    assert rows[1]["kldb"] == "52531"
    assert all(0 <= float(r["confidence"]) <= 1 for r in rows)
    assert rows[2]["kldb"] == ""
    missing = tmp_path / "ohne.csv"
    missing.write_text("name\nKoch\n", encoding="utf-8")
    failed = stellwerk(tmp_path / "var", "classify", str(missing))
    assert failed.returncode != 0
    assert "no 'titel' column" in failed.stderr


def test_an_ingest_killed_at_random_moments_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    from sources.ba_upstream import BaUpstream, synthetic_postings

    data = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["STELLWERK_DATA_DIR"] = str(data)
    # Prepare the data directory first, so that the kills land in the ingest, not in the first migration.
    assert stellwerk(data, "stats").returncode == 0
    moments = random.Random(20261129)
    with BaUpstream(synthetic_postings(2500)) as upstream:
        command = [
            sys.executable,
            "-m",
            "stellwerk.cli",
            "ingest",
            "ba",
            "--base-url",
            upstream.base_url,
            "--rate",
            "0",
        ]
        killed = 0
        for _ in range(4):
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                process.wait(timeout=moments.uniform(4.0, 9.0))
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed += 1
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        offered = len(upstream.refnrs())
    assert killed >= 2, "the ingest finished before it could be killed: give it more to do"
    assert final.returncode == 0, final.stderr
    stats = json.loads(stellwerk(data, "stats", "--json").stdout)
    assert stats["by_source"]["ba"]["records"] == offered == 2500
    assert stats["postings"] == stats["active"] == offered
    assert stats["indexed"] == stats["visible"]
