"""Clusters of duplicate postings: one per job, built one posting at a time, each merge explained."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.ads import (
    NURSE_TEXT,
    aggregator_copy,
    nurse,
    repost,
    restaurant,
    truncated_copy,
)
from stellwerk.dedup.clusters import REASON_LENGTH, Clusterer, DedupSettings, compare
from stellwerk.dedup.fingerprints import DedupPosting, Fingerprint, StaleFingerprintError


def partition(clusterer: Clusterer) -> set[frozenset[str]]:
    return {frozenset(members) for members in clusterer.clusters().values()}


def test_copies_on_other_sources_join_the_original_and_say_why() -> None:
    clusterer = Clusterer()
    original = clusterer.add(nurse())
    copy = clusterer.add(aggregator_copy())
    assert original.new_cluster
    assert original.reason == "neue Gruppe: keine ähnliche Anzeige gefunden"
    assert (copy.cluster_id, copy.matched_id, copy.new_cluster) == ("ba-1", "ba-1", False)
    assert copy.reason.startswith("gleicher Text (Jaccard 0,")
    assert "gleicher Titel" in copy.reason
    # Names in a reason come in the order: the posting placed, then the one it matched.
    assert "gleicher Arbeitgeber („Klinikum Dortmund“ / „Klinikum Dortmund gGmbH“)" in copy.reason
    assert copy.reason.endswith("gleicher Ort")


def test_a_truncated_teaser_and_a_repost_join_as_well() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    teaser, again = clusterer.add(truncated_copy()), clusterer.add(repost())
    assert teaser.cluster_id == again.cluster_id == "ba-1"
    assert "gekürzter Text" in teaser.reason or "gleicher Titel, gleicher Arbeitgeber" in teaser.reason
    assert again.reason.startswith("gleicher Text (Jaccard 0,")


def test_a_teaser_without_place_joins_through_its_text() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    teaser = clusterer.add(truncated_copy(place=None, place_name=None))
    assert teaser.cluster_id == "ba-1"
    assert "gekürzter Text (zu" in teaser.reason
    assert "Ort einseitig unbekannt" in teaser.reason


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("Koch (m/w/d)", "Servicekraft (m/w/d)", "anderer Titel („Servicekraft“ / „Koch“)"),
        ("Pflegefachkraft Station 3 (m/w/d)", "Pflegefachkraft Intensiv (m/w/d)", "anderer Titel"),
        ("Koch (m/w/d)", "Jungkoch (m/w/d)", "anderer Titel"),
        ("Senior Koch (m/w/d)", "Koch (m/w/d)", "„senior“"),
        ("Koch (m/w/d) in Vollzeit", "Koch (m/w/d) in Teilzeit", "andere Arbeitszeit (Teilzeit / Vollzeit)"),
        ("Ausbildung zum Koch (m/w/d)", "Koch (m/w/d)", "„ausbildung“"),
    ],
)
def test_different_jobs_of_one_employer_with_one_blurb_stay_apart(first: str, second: str, why: str) -> None:
    clusterer = Clusterer()
    clusterer.add(restaurant("r-1", first))
    other = clusterer.add(restaurant("r-2", second))
    assert other.new_cluster
    assert why in other.reason
    assert other.reason.startswith("neue Gruppe; ähnlichste Anzeige r-1: keine Dublette:")


def test_one_ad_for_two_towns_is_two_offers() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    other_town = clusterer.add(nurse(id="ba-9", place="05315000", place_name="Köln", content_hash="c-9"))
    assert other_town.new_cluster
    assert "anderer Ort (05315000 / 05913000)" in other_town.reason


def test_the_same_ad_of_another_employer_is_another_offer() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    other = clusterer.add(nurse(id="ba-5", employer="Knappschaftskrankenhaus Dortmund", content_hash="c-5"))
    assert other.new_cluster
    assert "anderer Arbeitgeber" in other.reason


def test_a_placeless_copy_of_a_two_town_ad_joins_neither() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    clusterer.add(nurse(id="ba-9", place="05315000", place_name="Köln", content_hash="c-9"))
    copy = clusterer.add(aggregator_copy(place=None, place_name=None))
    assert copy.new_cluster
    assert copy.reason == "neue Gruppe: mehrdeutig, passt zu Gruppen in 05913000 und 05315000"


def test_a_cluster_keeps_its_place_when_members_without_one_chain_to_another_town() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    assert clusterer.add(aggregator_copy(place=None, place_name=None)).cluster_id == "ba-1"
    other_town = clusterer.add(aggregator_copy(id="board-8", place="05315000", content_hash="c-8"))
    assert other_town.new_cluster
    assert "anderer Ort" in other_town.reason or "anderen Ort" in other_town.reason


def test_search_results_without_text_merge_only_with_title_employer_and_place() -> None:
    clusterer = Clusterer()
    listing = DedupPosting(
        id="10001-1", source="ba", title="Maschinenbediener (m/w/d)", employer="I.K. Hofmann GmbH",
        place="09662000", place_name="Schweinfurt",
    )  # fmt: skip
    clusterer.add(listing)
    same = clusterer.add(replace(listing, id="11868-2", employer="I.K. Hofmann GmbH Personaldienstleistung"))
    placeless = clusterer.add(replace(listing, id="11868-3", place=None))
    assert same.cluster_id == "10001-1"
    assert same.reason.startswith("kein vergleichbarer Beschreibungstext, gleicher Titel")
    assert placeless.new_cluster
    assert "Ort einseitig unbekannt" in placeless.reason


def test_a_listing_without_text_joins_the_full_ad_of_the_same_title_employer_and_place() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    listing = clusterer.add(nurse(id="search-1", text="", content_hash=None))
    assert listing.cluster_id == "ba-1"


def test_the_canonical_member_is_the_employers_own_then_the_richest_then_the_earliest() -> None:
    clusterer = Clusterer()
    clusterer.add(aggregator_copy(place=None))
    richer = clusterer.add(nurse(first_seen=datetime(2025, 9, 18, tzinfo=UTC)))
    earlier = clusterer.add(repost(first_seen=datetime(2025, 9, 1, tzinfo=UTC)))
    own = clusterer.add(nurse(id="employer-1", source="jobsite", employer_direct=True, content_hash="c-e"))
    assert (richer.canonical_id, richer.canonical_changed) == ("ba-1", True)
    assert (earlier.canonical_id, earlier.canonical_changed) == ("ba-2", True)
    assert (own.canonical_id, own.canonical_changed) == ("employer-1", True)
    assert clusterer.canonical("board-7") == "employer-1"


def test_source_priority_decides_between_equally_rich_records() -> None:
    clusterer = Clusterer(DedupSettings(source_priority=("jobboard", "ba")))
    clusterer.add(nurse())
    assert clusterer.add(aggregator_copy()).canonical_id == "board-7"


def test_adding_a_posting_again_changes_nothing_and_a_changed_one_is_placed_anew() -> None:
    clusterer = Clusterer()
    first = clusterer.add(nurse())
    clusterer.add(aggregator_copy())
    again = clusterer.add(aggregator_copy())
    assert (again.cluster_id, again.new_cluster, again.reason) == ("ba-1", False, "unverändert")
    assert clusterer.add(aggregator_copy()) == again
    assert len(clusterer) == 2
    moved = clusterer.add(aggregator_copy(employer="Knappschaftskrankenhaus Dortmund"))
    assert moved.new_cluster
    assert clusterer.members(first.cluster_id) == ("ba-1",)


def test_removing_the_canonical_member_elects_another() -> None:
    clusterer = Clusterer()
    clusterer.add(nurse())
    clusterer.add(aggregator_copy())
    clusterer.remove("ba-1")
    assert clusterer.members("ba-1") == ("board-7",)
    assert clusterer.canonical("ba-1") == "board-7"
    assert "ba-1" not in clusterer
    clusterer.remove("board-7")
    assert clusterer.clusters() == {}


def test_a_restored_clusterer_places_new_postings_as_the_original_would() -> None:
    original = Clusterer()
    assignments = original.add_many([nurse(), aggregator_copy(), restaurant("r-1", "Koch (m/w/d)")])
    stored = [(a.fingerprint.to_dict(), a.cluster_id) for a in assignments]
    restored = Clusterer()
    restored.restore((Fingerprint.from_dict(data), cluster_id) for data, cluster_id in stored)
    assert partition(restored) == partition(original)
    assert restored.canonical("ba-1") == original.canonical("ba-1")
    assert restored.add(repost()) == original.add(repost())


def test_restoring_checks_cluster_ids_and_signature_sizes() -> None:
    fp = Clusterer().fingerprint(nurse())
    with pytest.raises(ValueError, match="id of one of its members"):
        Clusterer().restore([(fp, "cluster-7")])
    with pytest.raises(ValueError, match="known already"):
        Clusterer().restore([(fp, "ba-1"), (fp, "ba-1")])
    with pytest.raises(StaleFingerprintError):
        Clusterer(DedupSettings(num_perm=64, bands=16)).restore([(fp, "ba-1")])


def test_add_many_gives_what_add_gives_one_by_one() -> None:
    postings = [
        nurse(), restaurant("r-1", "Koch (m/w/d)"), aggregator_copy(), truncated_copy(), repost(),
        restaurant("r-2", "Servicekraft (m/w/d)"), nurse(id="ba-9", place="05315000", content_hash="c-9"),
    ]  # fmt: skip
    one_by_one = Clusterer()
    assert Clusterer().add_many(postings) == [one_by_one.add(posting) for posting in postings]


def test_explain_says_why_two_postings_are_not_duplicates() -> None:
    clusterer = Clusterer()
    clusterer.add_many([restaurant("r-1", "Koch (m/w/d)"), restaurant("r-2", "Servicekraft (m/w/d)")])
    verdict = clusterer.explain("r-1", "r-2")
    assert not verdict.duplicate
    assert verdict.similarity > 0.8
    assert verdict.reason == "keine Dublette: anderer Titel („Koch“ / „Servicekraft“)"


def test_reasons_fit_the_database_column() -> None:
    clusterer = Clusterer()
    long_name = "Klinikum " + "Sehr Lange Bezeichnung " * 20
    clusterer.add(nurse(employer=long_name + "gGmbH"))
    copy = clusterer.add(aggregator_copy(employer=long_name + "Standort Nord", title="Pflegefachkraft " * 30))
    first = Clusterer().fingerprint(nurse())
    assert len(copy.reason) <= REASON_LENGTH
    assert len(compare(first, first, 1.0).reason) <= REASON_LENGTH


EXACT_COPIES = [
    nurse(id=f"n-{n}", content_hash=None, source=source)
    for n, source in enumerate(("ba", "jobboard", "feed", "jobsite"))
] + [
    restaurant(f"k-{n}", "Koch (m/w/d)", content_hash=None) for n in range(3)
] + [
    restaurant(f"s-{n}", "Servicekraft (m/w/d)", text=NURSE_TEXT, content_hash=None) for n in range(2)
]  # fmt: skip


@given(st.permutations(EXACT_COPIES))
def test_exact_copies_form_the_same_clusters_in_any_order(order: list[DedupPosting]) -> None:
    clusterer = Clusterer()
    clusterer.add_many(order)
    assert partition(clusterer) == {
        frozenset(f"n-{n}" for n in range(4)),
        frozenset(f"k-{n}" for n in range(3)),
        frozenset(f"s-{n}" for n in range(2)),
    }
