"""Charts: static, accessible SVG without scripts, readable as XML."""

from __future__ import annotations

from datetime import date, timedelta

from defusedxml import ElementTree

from stellwerk.insights.charts import demand_chart, pay_chart, week_label

SVG = "{http://www.w3.org/2000/svg}"


def test_the_demand_chart_is_svg_with_title_description_and_no_script() -> None:
    weeks = [date(2025, 12, 1) + timedelta(weeks=i) for i in range(52)]
    svg = demand_chart(weeks, list(range(52)), "Neue Stellenangebote je Woche")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Neue Stellenangebote je Woche"
    assert "1326 neue Stellenangebote in 52 Wochen" in root.find(f"{SVG}desc").text
    assert "<script" not in svg
    assert "http://" not in svg.replace("http://www.w3.org/", "").split("-->")[-1]


def test_the_pay_chart_labels_bands_in_euros() -> None:
    svg = pay_chart([(300_000, 350_000, 2), (350_000, 400_000, 5)], "Gehaltsangaben")
    assert "3.000" in svg
    assert "3.500" in svg
    assert "<script" not in svg


def test_week_labels_are_german_month_and_year() -> None:
    assert week_label(date(2026, 3, 2)) == "Mär 26"
