"""MinHash signatures of word shingles and an LSH index over them, vectorised with numpy.

Documents arrive as bytes of words separated by spaces (see `fingerprints.text_bytes`). A whole batch is
hashed at once without a Python object per word: each word's hash mixes its first and last 8 bytes and its
length, read in place through an unaligned view of the bytes. k consecutive words of a document make a
shingle.

Signatures use one-permutation hashing: every shingle is hashed once to 64 bits, the top bits pick one of
`num_perm` bins and each bin keeps its smallest value. Empty bins borrow the value of the nearest filled bin
in a fixed random direction plus an offset per step ("densification by rotation", Shrivastava & Li 2014),
which keeps the share of equal positions an unbiased estimate of the Jaccard similarity. That is one hash and
one sort per shingle instead of `num_perm` hashes. Every constant comes from a fixed seed and byte order is
fixed, so a signature computed today equals one computed on another machine next year and can be stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt

Signature = npt.NDArray[np.uint32]
UInt64Array = npt.NDArray[np.uint64]
RowArray = npt.NDArray[np.int64]

SEED = 20_250_901
_SPACE = 0x20
_MASK32 = np.uint64(0xFFFF_FFFF)
# The finaliser of MurmurHash3 (fmix64): spreads a mixed value over all 64 bits; the top ones pick the bin.
_FMIX1 = np.uint64(0xFF51_AFD7_ED55_8CCD)
_FMIX2 = np.uint64(0xC4CE_B9FE_1A85_EC53)
# Byte masks that keep the first n bytes of a little-endian word (n = 0..8).
_BYTE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2**64 - 1], dtype=np.uint64)


def _fmix(values: UInt64Array) -> UInt64Array:
    values ^= values >> np.uint64(33)
    values *= _FMIX1
    values ^= values >> np.uint64(33)
    values *= _FMIX2
    values ^= values >> np.uint64(33)
    return values


def _odd_constants(rng: np.random.Generator, shape: int | tuple[int, ...]) -> UInt64Array:
    return rng.integers(0, 2**64, size=shape, dtype=np.uint64, endpoint=False) | np.uint64(1)


@dataclass(frozen=True, slots=True)
class Sketches:
    """Signatures of a batch of documents, their word counts, distinct shingles and a digest of each set."""

    signatures: npt.NDArray[np.uint32]
    words: RowArray
    sizes: RowArray
    digests: list[str]


class MinHasher:
    """Turn documents (bytes of space-separated words) into MinHash signatures of `num_perm` 32-bit values."""

    def __init__(self, num_perm: int = 128, shingle_size: int = 3, seed: int = SEED) -> None:
        if num_perm < 2 or num_perm & (num_perm - 1) or num_perm > 2**16:
            raise ValueError(f"num_perm must be a power of two between 2 and 65536, not {num_perm}")
        if shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1, not {shingle_size}")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        rng = np.random.default_rng(seed)
        self._chunk_weights = _odd_constants(rng, 3)
        self._word_weights = _odd_constants(rng, shingle_size)
        self._bin_bits = num_perm.bit_length() - 1
        self._rightward = rng.integers(0, 2, size=num_perm).astype(bool)
        self._step = np.uint64(int(rng.integers(1, 2**31)) * 2 + 1)
        # A sort key holds the document number above the bin and the 32-bit value: this many documents fit.
        self._batch_limit = 2 ** (64 - self._bin_bits - 32)

    def signature_of(self, document: bytes) -> Signature:
        """Return the signature of one document."""
        signature: Signature = self.sketch([document]).signatures[0]
        return signature

    def sketch(self, documents: Sequence[bytes]) -> Sketches:
        """Return the signatures of many documents at once; a batch costs far less per document."""
        if not documents:
            empty = np.empty(0, dtype=np.int64)
            return Sketches(np.empty((0, self.num_perm), dtype=np.uint32), empty, empty, [])
        if len(documents) > self._batch_limit:
            parts = [
                self.sketch(documents[start : start + self._batch_limit])
                for start in range(0, len(documents), self._batch_limit)
            ]
            return Sketches(
                np.concatenate([part.signatures for part in parts]),
                np.concatenate([part.words for part in parts]),
                np.concatenate([part.sizes for part in parts]),
                [digest for part in parts for digest in part.digests],
            )
        hashes, owners = self._word_hashes(documents)
        words = np.bincount(owners, minlength=len(documents))
        shingles, shingle_owners = self._shingles(hashes, owners, words)
        return self._sketches(shingles, shingle_owners, words)

    def _word_hashes(self, documents: Sequence[bytes]) -> tuple[UInt64Array, RowArray]:
        """Hash every word of every document from its bytes; return the hashes and their documents."""
        # Eight trailing spaces: every word ends inside the buffer, and so does every 8-byte read below.
        joined = b" ".join([*documents, b" " * 7])
        letters = np.frombuffer(joined, dtype=np.uint8) != _SPACE
        starts = np.flatnonzero(letters[1:] & ~letters[:-1]) + 1
        ends = np.flatnonzero(letters[:-1] & ~letters[1:]) + 1
        if letters[0]:
            starts = np.concatenate(([0], starts))
        lengths = ends - starts
        # Eight bytes from every offset, read in place: an unaligned little-endian view over the buffer.
        at = np.ndarray(shape=(len(joined) - 7,), dtype="<u8", buffer=joined, strides=(1,))
        # First and last 8 bytes (the same for short words) and the length: German compounds that share
        # both ends and the length are rare, and a collision only makes two shingles one.
        masks = _BYTE_MASKS[np.minimum(lengths, 8)]
        mixed = lengths.astype(np.uint64) * self._chunk_weights[2]
        mixed += (at[starts] & masks) * self._chunk_weights[0]
        mixed += (at[np.maximum(starts, ends - 8)] & masks) * self._chunk_weights[1]
        # Where each document begins in the joined bytes gives its number of words, and so each word's owner.
        begins = np.cumsum([0, *(len(document) + 1 for document in documents)], dtype=np.int64)
        counts = np.diff(np.searchsorted(starts, begins))
        return mixed, np.repeat(np.arange(len(documents), dtype=np.int64), counts)

    def _shingles(
        self, hashes: UInt64Array, owners: RowArray, words: RowArray
    ) -> tuple[UInt64Array, RowArray]:
        """Mix each run of k words of one document into a shingle; a document of fewer words makes one."""
        size = len(hashes)
        mixed = hashes * self._word_weights[0]
        complete = np.ones(size, dtype=bool)
        for offset in range(1, self.shingle_size):
            same = np.zeros(size, dtype=bool)
            np.equal(owners[offset:], owners[: size - offset], out=same[: size - offset])
            term = np.zeros(size, dtype=np.uint64)
            np.multiply(hashes[offset:], self._word_weights[offset], out=term[: size - offset])
            np.add(mixed, term, out=mixed, where=same)
            complete = same
        short = (words > 0) & (words < self.shingle_size)
        if short.any():
            starts = np.concatenate(([0], np.cumsum(words)[:-1]))
            complete[starts[short]] = True
        return _fmix(mixed[complete]), owners[complete]

    def _sketches(self, shingles: UInt64Array, owners: RowArray, words: RowArray) -> Sketches:
        documents = len(words)
        local_bits = np.uint64(self._bin_bits + 32)
        # Sorting (document, bin, value) puts each bin's minimum first; equal keys are one shingle.
        keys = (owners.astype(np.uint64) << local_bits) | (shingles >> np.uint64(32 - self._bin_bits))
        keys.sort()
        keys = keys[_run_starts(keys)]
        owners = (keys >> local_bits).astype(np.int64)
        local = keys & np.uint64((1 << int(local_bits)) - 1)
        sizes = np.bincount(owners, minlength=documents)
        cells = owners * self.num_perm + (local >> np.uint64(32)).astype(np.int64)
        firsts = _run_starts(cells)
        flat = np.zeros(documents * self.num_perm, dtype=np.uint64)
        filled = np.zeros(documents * self.num_perm, dtype=bool)
        flat[cells[firsts]] = local[firsts] & _MASK32
        filled[cells[firsts]] = True
        signatures = self._densify(
            flat.reshape(documents, self.num_perm), filled.reshape(documents, self.num_perm)
        )
        ends = np.cumsum(sizes).tolist()
        packed = local.astype("<u8", copy=False).data
        digests = [
            hashlib.blake2b(packed[start:end], digest_size=16).hexdigest()
            for start, end in zip([0, *ends[:-1]], ends, strict=True)
        ]
        return Sketches(signatures.astype(np.uint32), words, sizes, digests)

    def _densify(self, signatures: UInt64Array, filled: npt.NDArray[np.bool_]) -> UInt64Array:
        """Give each empty bin the value of the nearest filled bin in its direction, plus a step per bin."""
        sparse = ~filled.all(axis=1) & filled.any(axis=1)
        if not sparse.any():
            return signatures
        size = self.num_perm
        present, values = filled[sparse], signatures[sparse]
        positions = np.arange(size, dtype=np.int64)
        far = 4 * size
        ahead = np.where(present, positions, far)
        right = np.minimum.accumulate(np.concatenate((ahead, ahead + size), axis=1)[:, ::-1], axis=1)
        behind = np.where(present, positions, -far)
        left = np.maximum.accumulate(np.concatenate((behind - size, behind), axis=1), axis=1)[:, size:]
        source = np.where(self._rightward, right[:, ::-1][:, :size], left)
        steps = np.abs(source - positions).astype(np.uint64)
        offsets = np.arange(len(values), dtype=np.int64)[:, None] * size
        borrowed = values.reshape(-1)[offsets + source % size]
        signatures[sparse] = (borrowed + steps * self._step) & _MASK32
        return signatures


def _run_starts(values: npt.NDArray[np.uint64] | RowArray) -> npt.NDArray[np.bool_]:
    starts = np.empty(len(values), dtype=bool)
    if len(values):
        starts[0] = True
        np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


def jaccard(first: Signature, second: Signature) -> float:
    """Estimate the Jaccard similarity of two sets from their signatures."""
    return float(np.count_nonzero(first == second)) / len(first)


def jaccard_many(signature: Signature, others: npt.NDArray[np.uint32]) -> npt.NDArray[np.float64]:
    """Estimate the Jaccard similarity of one signature with each row of a signature matrix."""
    equal: npt.NDArray[np.int64] = np.add.reduce(np.equal(others, signature), axis=1, dtype=np.int64)
    shares: npt.NDArray[np.float64] = equal / others.shape[1]
    return shares


def containment(similarity: float, size: int, other_size: int) -> float:
    """Estimate the share of the smaller set inside the larger one from their Jaccard similarity and sizes."""
    smaller = min(size, other_size)
    if smaller <= 0:
        return 0.0
    shared = similarity * (size + other_size) / (1.0 + similarity)
    return min(1.0, shared / smaller)


def band_hit_probability(similarity: float, bands: int, rows: int) -> float:
    """Return the chance that LSH banding makes two sets of this Jaccard similarity candidates."""
    return 1.0 - (1.0 - similarity**rows) ** bands


class LshIndex:
    """Find rows whose signatures agree with a query in at least one band of `rows` positions.

    Band keys live in one sorted numpy array plus a small dict of recent additions that is merged into the
    array once it grows past an eighth of it: about 12 bytes per band and row instead of a Python dict entry
    each, and a rebuild of many rows at once is one vectorised sort.
    """

    def __init__(self, num_perm: int = 128, bands: int = 32, seed: int = SEED) -> None:
        if bands < 1 or num_perm % bands:
            raise ValueError(f"{bands} bands do not divide {num_perm} signature positions")
        self.bands = bands
        self.rows = num_perm // bands
        rng = np.random.default_rng(seed + 1)
        self._weights = _odd_constants(rng, (bands, self.rows))
        self._salts = rng.integers(0, 2**64, size=bands, dtype=np.uint64, endpoint=False)
        self._keys: UInt64Array = np.empty(0, dtype=np.uint64)
        self._ids: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self._recent: dict[int, int | list[int]] = {}
        self._pending_size = 0

    def keys(self, signature: Signature) -> UInt64Array:
        """Return the band keys of one signature."""
        keys: UInt64Array = self.keys_many(signature.reshape(1, -1))[0]
        return keys

    def keys_many(self, signatures: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
        """Return the band keys of each row of a signature matrix, one row of `bands` keys each."""
        banded = signatures.astype(np.uint64).reshape(len(signatures), self.bands, self.rows)
        mixed: UInt64Array = (banded * self._weights).sum(axis=2, dtype=np.uint64) + self._salts
        return _fmix(mixed)

    def add(self, row: int, keys: UInt64Array) -> None:
        """Index one row under its band keys, among the recent additions until `compact` merges them."""
        key_list = keys.tolist()
        # Most buckets hold one row, kept as the row itself and mapped in C over all bands; a list only
        # from the second row on.
        recent = self._recent
        held = list(map(recent.setdefault, key_list, repeat(row)))
        if held.count(row) < len(held):
            for key, first in zip(key_list, held, strict=True):
                if isinstance(first, list):
                    first.append(row)
                elif first != row:
                    recent[key] = [first, row]
        self._pending_size += len(key_list)

    def add_many(self, rows: RowArray, keys: npt.NDArray[np.uint64]) -> None:
        """Index many rows at once (a rebuild); `keys` has one row of band keys per row."""
        self._merge_pending()
        flat_keys = np.concatenate((self._keys, keys.reshape(-1)))
        flat_ids = np.concatenate((self._ids, np.repeat(rows.astype(np.int32), self.bands)))
        order = np.argsort(flat_keys, kind="stable")
        self._keys, self._ids = flat_keys[order], flat_ids[order]

    def query(self, keys: UInt64Array) -> list[int]:
        """Return the rows sharing at least one band key with the query, possibly with repeats."""
        return self.query_merged(keys.reshape(1, -1))[0] + self.query_recent(keys)

    def query_merged(self, keys: npt.NDArray[np.uint64]) -> list[list[int]]:
        """Return for each row of band keys the merged rows that share one; one vectorised search for all."""
        found: list[list[int]] = [[] for _ in range(len(keys))]
        if not len(self._keys):
            return found
        flat = keys.reshape(-1)
        lows = np.searchsorted(self._keys, flat, side="left")
        highs = np.searchsorted(self._keys, flat, side="right")
        for position in np.flatnonzero(highs > lows).tolist():
            found[position // self.bands].extend(self._ids[lows[position] : highs[position]].tolist())
        return found

    def query_recent(self, keys: UInt64Array) -> list[int]:
        """Return the rows added since the last merge that share a band key with the query."""
        found: list[int] = []
        for held in map(self._recent.get, keys.tolist()):
            if held is None:
                continue
            if isinstance(held, int):
                found.append(held)
            else:
                found.extend(held)
        return found

    def compact(self) -> None:
        """Merge the recent additions into the sorted array once they are many (an eighth of it)."""
        if self._pending_size >= max(65_536, len(self._keys) // 8):
            self._merge_pending()

    def __len__(self) -> int:
        return len(self._keys) + self._pending_size

    def _merge_pending(self) -> None:
        if not self._recent:
            return
        pairs = [
            (key, row)
            for key, held in self._recent.items()
            for row in ([held] if isinstance(held, int) else held)
        ]
        keys = np.fromiter((key for key, _ in pairs), dtype=np.uint64, count=len(pairs))
        ids = np.fromiter((row for _, row in pairs), dtype=np.int32, count=len(pairs))
        order = np.argsort(keys, kind="stable")
        keys, ids = keys[order], ids[order]
        at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, at, keys)
        self._ids = np.insert(self._ids, at, ids)
        self._recent.clear()
        self._pending_size = 0
