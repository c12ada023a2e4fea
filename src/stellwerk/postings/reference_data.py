"""Load the packaged gazetteer and KldB taxonomy into the database."""

from __future__ import annotations

from django.db import transaction

from stellwerk.postings.models import Occupation, Place
from stellwerk.reference.gazetteer import Gazetteer
from stellwerk.reference.taxonomy import Taxonomy


def reference_data_loaded(gazetteer: Gazetteer, taxonomy: Taxonomy) -> bool:
    """Return whether the database holds every packaged place and occupation."""
    return Place.objects.count() == len(gazetteer.places) and Occupation.objects.count() == len(
        taxonomy.occupations
    )


@transaction.atomic
def load_reference_data(gazetteer: Gazetteer, taxonomy: Taxonomy) -> tuple[int, int]:
    """Insert places and occupations that are missing or changed; return how many of each were written."""
    existing_places = {p.slug: p for p in Place.objects.all()}
    new_places, changed_places = [], []
    for place in gazetteer.places:
        values = {
            "name": place.name,
            "land": place.land,
            "kreis": place.kreis,
            "lat": place.lat,
            "lon": place.lon,
            "postal_codes": list(place.postal_codes),
            "population": place.population,
        }
        row = existing_places.get(place.slug)
        if row is None:
            new_places.append(Place(slug=place.slug, **values))
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed_places.append(row)
    Place.objects.bulk_create(new_places, batch_size=1000)
    Place.objects.bulk_update(changed_places, list(values), batch_size=1000)

    existing_occupations = {o.kldb: o for o in Occupation.objects.all()}
    new_occupations, changed_occupations = [], []
    for occupation in taxonomy.occupations:
        current = existing_occupations.get(occupation.kldb)
        if current is None:
            new_occupations.append(Occupation(kldb=occupation.kldb, name=occupation.name))
        elif current.name != occupation.name:
            current.name = occupation.name
            changed_occupations.append(current)
    Occupation.objects.bulk_create(new_occupations, batch_size=1000)
    Occupation.objects.bulk_update(changed_occupations, ["name"], batch_size=1000)
    return len(new_places) + len(changed_places), len(new_occupations) + len(changed_occupations)
