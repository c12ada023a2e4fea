"""The posting page: one job with its schema.org data, every source it was found at, or why it is gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from stellwerk.normalize.skills import default_lexicon
from stellwerk.postings.models import Posting
from stellwerk.postings.similar import similar_postings
from stellwerk.reference.taxonomy import default_taxonomy
from stellwerk.web.jsonld import job_posting_jsonld, script_safe_json
from stellwerk.web.presenters import salary_phrases, skill_labels, terms_phrases
from stellwerk.web.views import occupation_key

BA_SOURCES = frozenset({"ba", "ba-volltext"})


@dataclass(frozen=True, slots=True)
class SourceLink:
    """Where a job was published, for the "auch veröffentlicht bei" list."""

    label: str
    url: str
    reference: str
    first_seen: datetime
    last_seen: datetime
    reason: str


def source_label(source: str, url: str) -> str:
    """Name a source the way a seeker recognises it."""
    if source in BA_SOURCES:
        return "Jobsuche der Bundesagentur für Arbeit"
    host = urlsplit(url).hostname or ""
    if source.startswith("feed:"):
        return f"Stellenfeed {source.removeprefix('feed:')}" + (f" ({host})" if host else "")
    return f"Website {host}" if host else source


def posting(request: HttpRequest, posting_id: int, slug: str = "") -> HttpResponse:
    """Render one posting with its schema.org JobPosting data and its sources; an expired one answers 410."""
    item = get_object_or_404(
        Posting.objects.select_related(
            "employer", "place", "occupation", "source_record", "cluster__canonical"
        ),
        pk=posting_id,
    )
    canonical = item.cluster.canonical if item.cluster else None
    if canonical is not None and canonical.pk != item.pk:
        # A duplicate shows its cluster's canonical posting; the cluster may pick another one later.
        return HttpResponseRedirect(canonical.get_absolute_url())
    if slug != item.slug:
        return HttpResponsePermanentRedirect(item.get_absolute_url())
    if item.status == Posting.Status.EXPIRED:
        return _expired(request, item)
    context = {
        "posting": item,
        "salary": salary_phrases(item.salary),
        "terms": terms_phrases(item.terms),
        "skills": skill_labels(item.skills, default_lexicon()),
        "jsonld": script_safe_json(
            job_posting_jsonld(item, request.build_absolute_uri(item.get_absolute_url()))
        ),
        "sources": sources_of(item),
        "beruf_link": _occupation_link(item),
        "search_nearby": _search_nearby(item),
    }
    return render(request, "web/posting.html", context)


def sources_of(item: Posting) -> list[SourceLink]:
    """Return every source the job was found at: this posting first, then its duplicates by first sight."""
    members = [item]
    if item.cluster_id is not None:
        members += list(
            Posting.objects.filter(cluster_id=item.cluster_id)
            .exclude(pk=item.pk)
            .select_related("source_record")
            .order_by("first_seen", "pk")
        )
    return [
        SourceLink(
            label=source_label(m.source_record.source, m.source_url or m.external_url),
            url=m.source_url or m.external_url,
            reference=m.source_record.external_id,
            first_seen=m.first_seen,
            last_seen=m.last_seen,
            reason=m.duplicate_reason if m.pk != item.pk else "",
        )
        for m in members
    ]


def _expired(request: HttpRequest, item: Posting) -> HttpResponse:
    context = {
        "posting": item,
        "similar": similar_postings(item),
        "search_nearby": _search_nearby(item),
        "beruf_link": _occupation_link(item),
    }
    return render(request, "web/posting_expired.html", context, status=410)


def _search_nearby(item: Posting) -> str | None:
    if item.place is None:
        return None
    return f"{reverse('web:jobs')}?{urlencode({'was': item.title, 'wo': item.place.name})}"


def _occupation_link(item: Posting) -> tuple[str, str] | None:
    if item.occupation is None or item.place is None:
        return None
    key = occupation_key(default_taxonomy(), item.beruf, item.occupation.kldb)
    return item.beruf or item.occupation.name, reverse("web:occupation_place", args=[key, item.place.slug])
