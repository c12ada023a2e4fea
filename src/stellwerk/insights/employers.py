"""Who hires: employer types recognised from employer names and temporary-agency flags, top employers."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stellwerk.domain.text import fold

# An employer whose postings are mostly flagged as Zeitarbeit is an agency whatever its name says.
AGENCY_SHARE = 0.5


class EmployerType(enum.StrEnum):
    """Kinds of employer a seeker tells apart; `OTHER` where the name does not say."""

    AGENCY = "personaldienstleister"
    HOSPITAL = "klinik"
    RESEARCH = "forschung"
    PUBLIC = "oeffentlich"
    STARTUP = "startup"
    INDUSTRY = "industrie"
    OTHER = "sonstige"

    @property
    def label(self) -> str:
        """Return the German label."""
        return _LABELS[self]


_LABELS = {
    EmployerType.AGENCY: "Personaldienstleister",
    EmployerType.HOSPITAL: "Klinik/Krankenhaus",
    EmployerType.RESEARCH: "Universität/Forschung",
    EmployerType.PUBLIC: "öffentlicher Dienst",
    EmployerType.STARTUP: "Start-up",
    EmployerType.INDUSTRY: "Industrie",
    EmployerType.OTHER: "nicht zugeordnet",
}

# Patterns run on the folded name (lower case, umlauts spelled out) and are tried in this order: an
# "Universitätsklinikum" is a hospital, a "Personalservice der Stadt" an agency.
_PATTERNS: tuple[tuple[EmployerType, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            EmployerType.AGENCY,
            r"zeitarbeit|personaldienst|personalservice|personal service|personalleasing|"
            r"arbeitnehmerueberlassung|personalvermittlung|\b(randstad|adecco|manpower|hays|orizon|tempton|"
            r"amadeus fire|gi group|trenkwalder|timepartner|persona service|piening|jobactive|dis ag|"
            r"i k hofmann|unique personal|franz weber personal|actief|expertum|allbecon|avanti)\b",
        ),
        (
            EmployerType.HOSPITAL,
            r"klinik|krankenhaus|hospital|spital|\bkrankenhaeuser\b|\bmvz\b|reha zentrum|rehazentrum",
        ),
        (
            EmployerType.RESEARCH,
            r"universitaet|hochschule|\buniversity\b|forschungszentrum|forschungsinstitut|\binstitut\b|"
            r"fraunhofer|max planck|helmholtz|leibniz|\bdlr\b|akademie der wissenschaften",
        ),
        (
            EmployerType.PUBLIC,
            r"^(stadt|gemeinde|landkreis|kreis|markt|bezirk|freistaat|land) |stadtverwaltung|kreisverwaltung|"
            r"landratsamt|bezirksregierung|regierung von|landesamt|bundesamt|bundesanstalt|bundesagentur|"
            r"ministerium|behoerde|finanzamt|jobcenter|bundeswehr|polizei|\bzoll\b|rentenversicherung|"
            r"landesbetrieb|eigenbetrieb|des oeffentlichen rechts|\bamt (fuer|der|des)\b|"
            r"verwaltungsgemeinschaft",
        ),
        (EmployerType.STARTUP, r"start up|startup"),
        (
            EmployerType.INDUSTRY,
            r"industrie|industries|\bwerke?\b|maschinenbau|anlagenbau|automotive|chemie|chemical|\bstahl|"
            r"metallbau|fertigung|manufacturing|\b(siemens|bosch|schaeffler|continental|zf|basf|bayer|"
            r"thyssenkrupp|volkswagen|bmw|daimler|mercedes benz|audi|porsche|brose|airbus|infineon|"
            r"trumpf|festo|kuka|evonik|henkel|miele|liebherr|heraeus)\b",
        ),
    )
)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def employer_type(name: str, agency_share: float = 0.0) -> EmployerType:
    """Return the type of an employer from its name and the share of its postings flagged as Zeitarbeit."""
    if agency_share >= AGENCY_SHARE:
        return EmployerType.AGENCY
    folded = _NON_WORD.sub(" ", fold(name)).strip()
    for kind, pattern in _PATTERNS:
        if pattern.search(folded):
            return kind
    return EmployerType.OTHER


@dataclass(frozen=True, slots=True)
class TopEmployer:
    """An employer with how many postings it published in the period."""

    name: str
    slug: str
    count: int
    type: EmployerType


@dataclass(frozen=True, slots=True)
class TypeShare:
    """How many postings came from employers of one type, and their share in percent."""

    type: EmployerType
    count: int
    percent: int


@dataclass(frozen=True, slots=True)
class EmployerFigures:
    """Top employers, employer types and the share of Zeitarbeit among the postings of the last 12 months."""

    total: int
    top: list[TopEmployer]
    types: list[TypeShare]
    temp_agency_count: int

    @property
    def temp_agency_percent(self) -> int | None:
        """Return the share of postings flagged as Zeitarbeit, in whole percent; None without postings."""
        return percent(self.temp_agency_count, self.total) if self.total else None


def percent(part: int, whole: int) -> int:
    """Return part of whole in whole percent, rounded half up."""
    return (200 * part + whole) // (2 * whole)


def employer_figures(figures: Mapping[str, Any]) -> EmployerFigures:
    """Read the employer section of precomputed figures."""
    section = figures.get("employers", {})
    total = int(section.get("total", 0))
    top = [
        TopEmployer(name, slug, count, EmployerType(kind))
        for name, slug, count, kind in section.get("top", [])
    ]
    types = [
        TypeShare(EmployerType(kind), count, percent(count, total))
        for kind, count in section.get("types", [])
        if total
    ]
    return EmployerFigures(total, top, types, int(section.get("temp_agency", 0)))
