"""German formatting of figures for the pages."""

from __future__ import annotations

from datetime import date

from stellwerk.web.presenters import euro, german_date, kilometres, thousands


def test_numbers_get_german_thousands_separators() -> None:
    assert [thousands(n) for n in (0, 999, 1000, 187_960, 1_000_000)] == [
        "0",
        "999",
        "1.000",
        "187.960",
        "1.000.000",
    ]


def test_euros_show_cents_only_where_there_are_any() -> None:
    assert euro(330_000) == "3.300 €"
    assert euro(1850) == "18,50 €"


def test_distances_have_at_most_one_decimal_with_a_comma() -> None:
    assert [kilometres(d) for d in (0.0, 12.0, 12.3, 219.9)] == ["0", "12", "12,3", "219,9"]


def test_dates_are_written_the_short_german_way() -> None:
    assert german_date(date(2026, 11, 3)) == "3.11.2026"
