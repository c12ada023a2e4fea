"""Skills most asked for in an occupation's postings, and further training near a place that covers them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from stellwerk.domain.places import Place, bounding_box, haversine_km
from stellwerk.insights.employers import percent
from stellwerk.insights.models import TrainingOffer, TrainingOfferSkill
from stellwerk.normalize.skills import SkillLexicon

TRAINING_RADIUS_KM = 50
TRAINING_PER_SKILL = 3
SKILLS_WITH_TRAINING = 5


@dataclass(frozen=True, slots=True)
class SkillCount:
    """A skill, how many postings of the last 12 months ask for it, and their share in percent."""

    id: str
    label: str
    category: str
    count: int
    percent: int


@dataclass(frozen=True, slots=True)
class SkillFigures:
    """The skills most asked for, out of how many postings."""

    total: int
    with_skills: int
    top: list[SkillCount]


def skill_figures(figures: Mapping[str, Any], lexicon: SkillLexicon) -> SkillFigures:
    """Read the skills section of precomputed figures; skills a newer lexicon dropped are left out."""
    section = figures.get("skills", {})
    total = int(section.get("total", 0))
    top = []
    for skill_id, count in section.get("top", []):
        try:
            skill = lexicon.skill(skill_id)
        except KeyError:
            continue
        category = lexicon.categories.get(skill.category, skill.category)
        top.append(SkillCount(skill.id, skill.label, category, int(count), percent(int(count), total)))
    return SkillFigures(total, int(section.get("with_skills", 0)), top)


@dataclass(frozen=True, slots=True)
class NearbyTraining:
    """A training offer and how far it is from the place (None: online or without address)."""

    offer: TrainingOffer
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class SkillTraining:
    """The training offers that cover one skill."""

    skill: SkillCount
    offers: list[NearbyTraining]


def training_for(
    skills: Sequence[SkillCount], place: Place | None, radius_km: int = TRAINING_RADIUS_KM
) -> list[SkillTraining]:
    """Return, for the most asked skills, offers within the radius (or without an address) that cover them."""
    chosen = list(skills[:SKILLS_WITH_TRAINING])
    if not chosen:
        return []
    rows = TrainingOfferSkill.objects.filter(skill_id__in=[s.id for s in chosen]).select_related("offer")
    if place is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(place.lat, place.lon, radius_km)
        near = Q(offer__lat__range=(min_lat, max_lat), offer__lon__range=(min_lon, max_lon))
        rows = rows.filter(near | Q(offer__lat__isnull=True))
    by_skill: dict[str, list[NearbyTraining]] = {s.id: [] for s in chosen}
    for row in rows.order_by("offer__starts", "offer__pk")[:500]:
        offer = row.offer
        distance = _distance(place, offer)
        if place is not None and distance is not None and distance > radius_km:
            continue
        by_skill[row.skill_id].append(NearbyTraining(offer, distance))
    return [
        SkillTraining(skill, sorted(by_skill[skill.id], key=_nearest_first)[:TRAINING_PER_SKILL])
        for skill in chosen
        if by_skill[skill.id]
    ]


def _distance(place: Place | None, offer: TrainingOffer) -> float | None:
    if place is None or offer.lat is None or offer.lon is None:
        return None
    return round(haversine_km(place.lat, place.lon, offer.lat, offer.lon), 1)


def _nearest_first(item: NearbyTraining) -> tuple[bool, float]:
    return item.distance_km is None, item.distance_km or 0.0
