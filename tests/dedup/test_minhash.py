"""MinHash signatures estimate Jaccard similarity; the LSH index finds what shares a band."""

from __future__ import annotations

import random
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.dedup.minhash import LshIndex, MinHasher, band_hit_probability, containment, jaccard

WORDS = st.lists(st.sampled_from(["pflege", "kraft", "station", "team", "dienst", "klinik", "a1", "b2"]))
DOCUMENTS = WORDS.map(lambda words: " ".join(words).encode())


def word_sets(rng: random.Random, size: int, shared: float) -> tuple[list[str], list[str]]:
    common = [f"w{rng.randrange(10**9)}" for _ in range(int(size * shared))]
    first = common + [f"a{rng.randrange(10**9)}" for _ in range(size - len(common))]
    second = common + [f"b{rng.randrange(10**9)}" for _ in range(size - len(common))]
    return first, second


@pytest.mark.parametrize(("size", "shared"), [(40, 0.5), (300, 0.3), (300, 0.8), (2000, 0.6)])
def test_signatures_estimate_jaccard_without_bias(size: int, shared: float) -> None:
    hasher, rng = MinHasher(shingle_size=1), random.Random(size)
    errors = []
    for _ in range(60):
        first, second = word_sets(rng, size, shared)
        truth = len(set(first) & set(second)) / len(set(first) | set(second))
        sketches = hasher.sketch([" ".join(first).encode(), " ".join(second).encode()])
        errors.append(jaccard(sketches.signatures[0], sketches.signatures[1]) - truth)
    # 128 positions: the standard error is at most 0.045; the mean of 60 estimates is far tighter.
    assert abs(statistics.mean(errors)) < 0.02
    assert max(abs(error) for error in errors) < 0.2


def test_shingles_follow_word_order_within_k_words() -> None:
    hasher = MinHasher(shingle_size=3)
    text = "wir suchen ab sofort eine pflegefachkraft für unsere station in dortmund"
    shuffled = " ".join(reversed(text.split()))
    sketches = hasher.sketch([text.encode(), shuffled.encode(), text.encode()])
    assert jaccard(sketches.signatures[0], sketches.signatures[2]) == 1.0
    assert jaccard(sketches.signatures[0], sketches.signatures[1]) < 0.2
    assert sketches.words.tolist() == [11, 11, 11]
    assert sketches.sizes.tolist() == [9, 9, 9]


def test_an_empty_document_has_no_shingles_and_a_zero_signature() -> None:
    sketches = MinHasher().sketch([b"", b"   ", b"koch"])
    assert sketches.sizes.tolist() == [0, 0, 1]
    assert not sketches.signatures[0].any()
    assert sketches.digests[0] == sketches.digests[1] != sketches.digests[2]


@given(st.lists(DOCUMENTS, max_size=8))
def test_a_batch_gives_what_each_document_gives_alone(documents: list[bytes]) -> None:
    hasher = MinHasher()
    batch = hasher.sketch(documents)
    for position, document in enumerate(documents):
        alone = hasher.sketch([document])
        assert (alone.signatures[0] == batch.signatures[position]).all()
        assert alone.digests[0] == batch.digests[position]
        assert alone.words[0] == batch.words[position] == len(document.split())


@given(DOCUMENTS)
def test_a_signature_depends_on_the_words_not_on_spacing(document: bytes) -> None:
    hasher = MinHasher()
    spaced = b"   " + document.replace(b" ", b"  \t ".replace(b"\t", b" ")) + b" "
    assert (hasher.signature_of(document) == hasher.signature_of(spaced)).all()


def test_settings_that_cannot_work_are_refused() -> None:
    with pytest.raises(ValueError, match="power of two"):
        MinHasher(num_perm=100)
    with pytest.raises(ValueError, match="shingle_size"):
        MinHasher(shingle_size=0)
    with pytest.raises(ValueError, match="do not divide"):
        LshIndex(num_perm=128, bands=30)


def test_containment_recovers_the_share_of_a_truncated_text() -> None:
    # A text of 100 shingles and its first 40: Jaccard 0.4, all of the shorter one inside the longer.
    assert containment(0.4, 40, 100) == pytest.approx(1.0)
    assert containment(0.0, 40, 100) == 0.0
    assert containment(1.0, 0, 0) == 0.0


def test_banding_finds_similar_pairs_and_rarely_dissimilar_ones() -> None:
    assert band_hit_probability(0.8, bands=32, rows=4) > 0.999
    assert band_hit_probability(0.5, bands=32, rows=4) > 0.85
    assert band_hit_probability(0.1, bands=32, rows=4) < 0.01


def test_the_index_finds_rows_that_share_a_band_before_and_after_merging() -> None:
    hasher, index = MinHasher(), LshIndex()
    rng = random.Random(7)
    texts = [" ".join(f"w{rng.randrange(10**6)}" for _ in range(200)) for _ in range(3000)]
    signatures = hasher.sketch([text.encode() for text in texts]).signatures
    for row, signature in enumerate(signatures):
        index.add(row, index.keys(signature))
    near = hasher.signature_of((texts[5] + " ein zusatz am ende").encode())
    assert 5 in index.query_recent(index.keys(near))
    index.compact()
    assert index.query_recent(index.keys(near)) == []
    assert 5 in index.query(index.keys(near))
    assert len(set(index.query(index.keys(near)))) < 5
    rebuilt = LshIndex()
    rebuilt.add_many(np.arange(len(signatures), dtype=np.int64), rebuilt.keys_many(signatures))
    assert sorted(set(rebuilt.query(rebuilt.keys(near)))) == sorted(set(index.query(index.keys(near))))
    assert len(rebuilt) == len(index) == 3000 * 32
