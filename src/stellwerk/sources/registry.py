"""Which mapping turns a stored raw record of a source into posting fields."""

from __future__ import annotations

from collections.abc import Callable

from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord
from stellwerk.sources import ba_jobsuche, feeds, jsonld

Mapper = Callable[[RawRecord], PostingData]

_EXACT: dict[str, Mapper] = {
    ba_jobsuche.SOURCE: ba_jobsuche.map_record,
    ba_jobsuche.FULLTEXT_SOURCE: ba_jobsuche.map_record,
    jsonld.SOURCE: jsonld.map_record,
}
# Sources named per feed or site share one mapping: "feed:klinikum-dortmund".
_PREFIXES: dict[str, Mapper] = {feeds.FEED_PREFIX: feeds.map_record}


def mapper_for(source: str) -> Mapper:
    """Return the mapping of a source's records; raise InvalidRecord for a source nobody maps."""
    if source in _EXACT:
        return _EXACT[source]
    prefix = source.split(":", 1)[0] + ":"
    if prefix in _PREFIXES:
        return _PREFIXES[prefix]
    raise InvalidRecord(f"unbekannte Quelle {source!r}")


def map_any(record: RawRecord) -> PostingData:
    """Map a record of any known source to posting fields; raise InvalidRecord with the reason."""
    return mapper_for(record.source)(record)
