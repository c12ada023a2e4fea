"""schema.org JobPosting data for posting pages, as Google's job search reads it."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import strip_tags

from stellwerk.postings.models import Posting

# Inside <script> a "</script>" or "<!--" in a string would end the block early.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_safe_json(data: dict[str, Any]) -> str:
    """Serialise data as JSON that is safe to place inside a <script> element."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_SCRIPT_ESCAPES)


def posting_description(posting: Posting) -> str:
    """Return the posting's description, or a factual summary when the source gave none."""
    if posting.description:
        return posting.description
    parts = [f"Stellenangebot: {posting.title}"]
    if posting.employer:
        parts.append(f"Arbeitgeber: {posting.employer.name}")
    if posting.place_name:
        parts.append(f"Arbeitsort: {posting.postal_code} {posting.place_name}".replace("  ", " "))
    if posting.beruf:
        parts.append(f"Beruf: {posting.beruf}")
    parts.append("Die vollständige Beschreibung und die Bewerbung finden Sie beim Anbieter.")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def job_posting_jsonld(posting: Posting, url: str) -> dict[str, Any]:
    """Return the JobPosting object with Google's required and recommended properties where known."""
    date_posted = posting.published or posting.first_seen.date()
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "DE"}
    if posting.place_name:
        address["addressLocality"] = posting.place_name
    if posting.postal_code:
        address["postalCode"] = posting.postal_code
    if posting.region:
        address["addressRegion"] = posting.region
    location: dict[str, Any] = {"@type": "Place", "address": address}
    if posting.lat is not None and posting.lon is not None:
        location["geo"] = {"@type": "GeoCoordinates", "latitude": posting.lat, "longitude": posting.lon}
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": strip_tags(posting_description(posting)),
        "datePosted": date_posted.isoformat(),
        "hiringOrganization": {
            "@type": "Organization",
            "name": posting.employer.name if posting.employer else "Nicht angegeben",
        },
        "jobLocation": location,
        "url": url,
        "identifier": {
            "@type": "PropertyValue",
            "name": posting.source_record.source,
            "value": posting.source_record.external_id,
        },
    }
    if posting.valid_through:
        data["validThrough"] = posting.valid_through.isoformat()
    if posting.occupation:
        data["occupationalCategory"] = f"KldB 2010 {posting.occupation.kldb} {posting.occupation.name}"
    return data
