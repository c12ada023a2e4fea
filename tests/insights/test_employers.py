"""Employer types from names and Zeitarbeit flags."""

from __future__ import annotations

import pytest

from stellwerk.insights.employers import EmployerType, employer_type, percent


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Klinikum Dortmund gGmbH", EmployerType.HOSPITAL),
        ("Universitätsklinikum Erlangen", EmployerType.HOSPITAL),
        ("St.-Johannes-Krankenhaus", EmployerType.HOSPITAL),
        ("Otto-Friedrich-Universität Bamberg", EmployerType.RESEARCH),
        ("Fraunhofer-Gesellschaft", EmployerType.RESEARCH),
        ("Technische Hochschule Nürnberg", EmployerType.RESEARCH),
        ("Stadt Dortmund", EmployerType.PUBLIC),
        ("Landratsamt Bamberg", EmployerType.PUBLIC),
        ("Bundesagentur für Arbeit", EmployerType.PUBLIC),
        ("Randstad Deutschland GmbH & Co. KG", EmployerType.AGENCY),
        ("ABC Personalservice GmbH", EmployerType.AGENCY),
        ("Siemens Healthineers AG", EmployerType.INDUSTRY),
        ("Stahlwerk Thüringen GmbH", EmployerType.INDUSTRY),
        ("Brose Fahrzeugteile SE", EmployerType.INDUSTRY),
        ("Health Start-up GmbH", EmployerType.STARTUP),
        ("Bäckerei Müller", EmployerType.OTHER),
    ],
)
def test_types_are_recognised_from_names(name: str, kind: EmployerType) -> None:
    assert employer_type(name) == kind


def test_an_employer_posting_mostly_zeitarbeit_is_an_agency() -> None:
    assert employer_type("Müller Technik GmbH", agency_share=0.8) == EmployerType.AGENCY
    assert employer_type("Müller Technik GmbH", agency_share=0.2) == EmployerType.OTHER


def test_every_type_has_a_german_label() -> None:
    assert {kind.label for kind in EmployerType} >= {
        "Klinik/Krankenhaus", "Universität/Forschung", "öffentlicher Dienst", "Industrie", "Start-up",
        "Personaldienstleister",
    }  # fmt: skip


def test_percent_rounds_half_up() -> None:
    assert (percent(1, 3), percent(1, 8), percent(2, 3)) == (33, 13, 67)
