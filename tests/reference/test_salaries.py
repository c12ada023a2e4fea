"""The packaged Entgeltatlas table: figures, censoring, provenance; its builder; the API record parser."""

from __future__ import annotations

import gzip
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.reference.salaries import (
    CENSORED,
    InvalidSalaryRecord,
    PayValue,
    default_salary_table,
    parse_statistic,
    parse_table,
    pay_value,
    table_cell,
)

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
BUILDER = REPO / "scripts" / "build_salary_data.py"
PACKAGED = REPO / "src" / "stellwerk" / "data" / "entgeltatlas.tsv.gz"


def api_record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kldb": "43104",
        "region": {"id": 22, "bezeichnung": "Dortmund", "beitragsBemessungsGrenze": 7100},
        "gender": {"id": 1, "bezeichnung": "Gesamt"},
        "ageCategory": {"id": 2, "bezeichnung": "unter 25"},
        "performanceLevel": {"id": 4, "bezeichnung": "Experte"},
        "branche": {"id": 1, "bezeichnung": "Gesamt"},
        "entgelt": 4975,
        "entgeltQ25": 4389,
        "entgeltQ75": -2,
        "besetzung": 109528,
    }
    record.update(changes)
    return record


def test_the_packaged_table_has_every_published_code_with_its_provenance() -> None:
    table = default_salary_table()
    assert len(table) == 1295
    informatics = table.get("43104")
    assert informatics is not None
    assert informatics.median == PayValue(621_300)
    assert informatics.q25 == PayValue(496_800)
    assert informatics.q75 == PayValue(None, censored=True)
    assert informatics.headcount == 22_939
    assert informatics.level == "Experte"
    assert (informatics.region_id, informatics.region) == (1, "Deutschland")
    assert informatics.reference_date == date(2023, 12, 31)
    assert informatics.ceiling_cents == 710_000
    assert table.get("99999") is None


def test_censored_and_withheld_figures_stay_apart() -> None:
    table = default_salary_table()
    mining = table.get("21114")
    assert mining is not None
    assert mining.median.censored
    assert mining.median.cents is None
    assert mining.q25 == PayValue(601_800)
    small = table.get("11114")
    assert small is not None
    assert not small.published
    assert small.headcount is None


def test_an_api_record_parses_with_the_date_its_ceiling_names() -> None:
    statistic = parse_statistic(api_record())
    assert statistic.median == PayValue(497_500)
    assert statistic.q75.censored
    assert (statistic.age, statistic.age_id, statistic.region) == ("unter 25", 2, "Dortmund")
    assert statistic.reference_date == date(2023, 12, 31)
    assert parse_statistic(api_record(besetzung=-42)).headcount is None
    assert parse_statistic(api_record(), date(2024, 12, 31)).reference_date == date(2024, 12, 31)


@pytest.mark.parametrize(
    "broken",
    [
        {"entgelt": "4975"},
        {"region": {"id": 22, "bezeichnung": "Dortmund"}},
        {"performanceLevel": None},
        {"region": {"id": 22, "bezeichnung": "Dortmund", "beitragsBemessungsGrenze": 9999}},
    ],
)
def test_broken_records_are_refused_with_a_reason(broken: dict[str, Any]) -> None:
    with pytest.raises(InvalidSalaryRecord):
        parse_statistic(api_record(**broken))


@given(st.integers(-1000, 50_000))
def test_a_value_survives_the_packaged_notation(euros: int) -> None:
    value = pay_value(euros)
    if euros == CENSORED:
        assert value.censored
    elif euros < 0:
        assert not value.known
        assert not value.censored
    else:
        assert value.cents == euros * 100
    header = "".join(
        f"# {key}\t{value}\n"
        for key, value in (
            ("region_id", 1),
            ("region", "Deutschland"),
            ("stichtag", "2023-12-31"),
            ("beitragsbemessungsgrenze_eur", 7100),
        )
    )
    cell = table_cell(value)
    (parsed,) = parse_table(header + f"11101\tHelfer\t{cell}\t{cell}\t{cell}\t\n")
    assert parsed.median == value


@pytest.mark.needs_shared
def test_the_builder_reproduces_the_packaged_file_byte_for_byte(tmp_path: Path) -> None:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data is not present: {SHARED} holds the Entgeltatlas source")
    result = subprocess.run(
        [sys.executable, str(BUILDER), "--shared", str(SHARED), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "1,295 codes, Deutschland, Stichtag 2023-12-31, ceiling 7100 EUR" in result.stdout
    built = (tmp_path / "entgeltatlas.tsv.gz").read_bytes()
    assert gzip.decompress(built) == gzip.decompress(PACKAGED.read_bytes())
