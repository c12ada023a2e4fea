"""Normalise a mapped posting in one pass: title, place, occupation, terms, salary, skills."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stellwerk.domain.classification import Classification
from stellwerk.domain.places import Place
from stellwerk.domain.postings import PostingData
from stellwerk.domain.results import Unknown
from stellwerk.domain.salary import SalaryInfo, monthly_range_cents
from stellwerk.domain.terms import Terms
from stellwerk.normalize.classify import OccupationClassifier, default_classifier
from stellwerk.normalize.occupations import kldb_for_beruf
from stellwerk.normalize.places import match_place
from stellwerk.normalize.salary import parse_salary
from stellwerk.normalize.skills import SkillLexicon, default_lexicon
from stellwerk.normalize.terms import parse_terms
from stellwerk.normalize.titles import clean_title
from stellwerk.reference.gazetteer import Gazetteer, default_gazetteer
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy

SOURCE_LABEL = "source"
CLASSIFIER = "classifier"


@dataclass(frozen=True, slots=True)
class Normalizers:
    """The reference data and models normalisation needs, loaded once per process."""

    gazetteer: Gazetteer
    taxonomy: Taxonomy
    classifier: OccupationClassifier
    skills: SkillLexicon


@dataclass(frozen=True, slots=True)
class NormalizedPosting:
    """Everything normalisation determined about a posting, and why the rest stayed unknown."""

    title: str
    place: Place | None
    lat: float | None
    lon: float | None
    kldb: str | None
    occupation_source: str
    occupation_confidence: float | None
    occupation_evidence: tuple[str, ...]
    terms: Terms
    salary: SalaryInfo | None
    salary_month_cents: tuple[int | None, int | None]
    skills: tuple[str, ...]
    unknowns: dict[str, str] = field(default_factory=dict)


def default_normalizers() -> Normalizers:
    """Return the normalisers built from the packaged reference data and models (cached)."""
    return Normalizers(default_gazetteer(), default_taxonomy(), default_classifier(), default_lexicon())


def normalize_many(postings: Sequence[PostingData], tools: Normalizers) -> list[NormalizedPosting]:
    """Return the normalised fields of many postings; classifies in one batch, so much faster per posting."""
    labelled = [bool(p.beruf) and kldb_for_beruf(tools.taxonomy, p.beruf or "") is not None for p in postings]
    todo = [p for p, known in zip(postings, labelled, strict=True) if not known]
    results = iter(
        tools.classifier.classify_many(
            [clean_title(p.title) for p in todo],
            [p.employer for p in todo],
            [p.description or None for p in todo],
        )
    )
    return [
        normalize_posting(p, tools, None if known else next(results))
        for p, known in zip(postings, labelled, strict=True)
    ]


def normalize_posting(
    data: PostingData, tools: Normalizers, classified: Classification | Unknown | None = None
) -> NormalizedPosting:
    """Return the normalised fields of a posting; what cannot be determined is recorded in `unknowns`.

    `classified` is the classifier's result for this posting where the caller already has it (a batch).
    """
    unknowns: dict[str, str] = {}
    title = clean_title(data.title)
    place = match_place(tools.gazetteer, data.place_name, data.postal_code, data.region)
    if place is None and (data.place_name or data.postal_code):
        unknowns["place"] = (
            f"„{data.postal_code or ''} {data.place_name or ''}“ nicht im Ortsverzeichnis".strip()
        )
    elif place is None:
        unknowns["place"] = "kein Arbeitsort angegeben"
    lat, lon = data.lat, data.lon
    if (lat is None or lon is None) and place is not None:
        lat, lon = place.lat, place.lon
    kldb, source, confidence, evidence = _occupation(data, title, tools, unknowns, classified)
    # Stated fields first, then the description: the salary and terms parsers share its cleaned form
    # (clean_text caches it).
    salary = parse_salary(data.salary_text) if data.salary_text else Unknown("no salary fields")
    if isinstance(salary, Unknown):
        salary = parse_salary(data.description) if data.description else Unknown("no description")
    if isinstance(salary, Unknown):
        salary = parse_salary(data.title)
    salary_info: SalaryInfo | None = None
    month: tuple[int | None, int | None] = (None, None)
    if isinstance(salary, Unknown):
        unknowns["salary"] = salary.reason
    else:
        salary_info, month = salary, _monthly(salary)
    return NormalizedPosting(
        title=title,
        place=place,
        lat=lat,
        lon=lon,
        kldb=kldb,
        occupation_source=source,
        occupation_confidence=confidence,
        occupation_evidence=evidence,
        terms=parse_terms(data.title, data.description, data.terms),
        salary=salary_info,
        salary_month_cents=month,
        skills=tuple(
            dict.fromkeys(m.skill.id for m in tools.skills.extract(f"{data.title}\n{data.description}"))
        ),
        unknowns=unknowns,
    )


def _occupation(
    data: PostingData,
    title: str,
    tools: Normalizers,
    unknowns: dict[str, str],
    classified: Classification | Unknown | None,
) -> tuple[str | None, str, float | None, tuple[str, ...]]:
    # The BA's own label, chosen by the employer, is the label of record where the source has one.
    if data.beruf:
        kldb = kldb_for_beruf(tools.taxonomy, data.beruf)
        if kldb is not None:
            return kldb, SOURCE_LABEL, 1.0, (f"Beruf laut Quelle: {data.beruf}",)
    result = classified
    if result is None:
        result = tools.classifier.classify(title, data.employer, data.description or None)
    if isinstance(result, Unknown):
        unknowns["occupation"] = result.reason
        return None, "", None, ()
    return result.kldb, CLASSIFIER, result.confidence, result.evidence


def _monthly(info: SalaryInfo) -> tuple[int | None, int | None]:
    """Return the monthly range of the first amount whose period is stated, else of the first amount."""
    if not info.salaries:
        return None, None
    # Not the widest range over all amounts: pages scraped with "more jobs" sidebars carry other offers' pay.
    stated = [s for s in info.salaries if s.period_stated]
    return monthly_range_cents((stated or list(info.salaries))[0])


def terms_json(terms: Terms) -> dict[str, Any]:
    """Return the terms as stored with a posting: only what is known, BA parameter names as keys."""
    values: dict[str, Any] = {
        "arbeitszeit": sorted(terms.working_time),
        "homeoffice": terms.remote,
        "befristet": terms.fixed_term,
        "zeitarbeit": terms.temp_agency,
        "pav": terms.private_agency,
        "angebotsart": sorted(terms.offer_kinds),
    }
    known = {key: value for key, value in values.items() if value not in (None, [])}
    if known:
        known["belege"] = list(terms.evidence)
    return known


def salary_json(info: SalaryInfo | None) -> dict[str, Any]:
    """Return stated amounts and tariffs as stored with a posting."""
    if info is None:
        return {}
    return {
        "betraege": [
            {
                "min_cents": s.min_cents,
                "max_cents": s.max_cents,
                "zeitraum": s.period.value,
                "zeitraum_angegeben": s.period_stated,
                "brutto": s.gross,
                "waehrung": s.currency,
                "text": s.text,
            }
            for s in info.salaries
        ],
        "tarife": [{"tarifvertrag": t.agreement, "gruppe": t.group, "text": t.text} for t in info.tariffs],
    }
