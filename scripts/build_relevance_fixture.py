"""Build the relevance fixture: real postings from ../shared/data and graded judgments of German queries.

Run: .venv/bin/python scripts/build_relevance_fixture.py   (writes tests/fixtures/relevance/*.json)

The postings: up to three of each of the 120 most frequent BA occupations of the Bamberg search export
(titles, employers, occupations as the BA lists them; no descriptions there), and 80 postings with full
descriptions from the full-text export. The judgments: for each query, the grade of every posting, from rules
written here in the words of a person judging what the seeker meant, independent of the search's analysis:
3 = what was asked for, 2 = a close variant (a specialisation, the same job under another name),
1 = related (the same field), 0 = not relevant (left out of the file). The rules are kept with the queries so
that a judgment can be read and argued with; the generated files are committed.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "postings"
TARGET = ROOT / "tests" / "fixtures" / "relevance"
PER_OCCUPATION = 3
OCCUPATIONS = 120
FULL_TEXTS = 80
DESCRIPTION_CHARS = 1500


@dataclass(frozen=True)
class Rule:
    """A posting gets the grade if the pattern (case-insensitive) occurs in the field."""

    grade: int
    field: str  # "title", "beruf" or "text" (title and description)
    pattern: str


def r(grade: int, field: str, pattern: str) -> Rule:
    """Return a rule."""
    return Rule(grade, field, pattern)


# What a seeker typing the query wants. "title" rules judge the job as advertised; "beruf" rules the BA
# occupation the employer filed it under.
QUERIES: dict[str, list[Rule]] = {
    "Informatiker": [
        r(3, "title", r"\binformatiker"),
        r(2, "title", r"informatiker"),
        r(1, "beruf", r"informati"),
    ],
    "Informatikerin": [
        r(3, "title", r"\binformatiker"),
        r(2, "title", r"informatiker"),
        r(1, "beruf", r"informati"),
    ],
    "Fachinformatiker Systemintegration": [
        r(3, "title", r"fachinformatiker.{0,30}systemintegration"),
        r(2, "beruf", r"fachinformatiker.*systemintegration"),
        r(2, "title", r"fachinformatiker"),
        r(1, "title", r"systemintegration|administrator"),
    ],
    "IT-Administrator": [
        r(3, "title", r"administrator|sysadmin"),
        r(2, "beruf", r"administrator|systemintegration"),
        r(1, "title", r"\bit\b|netzwerk"),
    ],
    "Pflegefachkraft": [
        r(3, "title", r"pflegefach(kr|frau|mann)"),
        r(2, "title", r"krankenpfleger|krankenschwester|altenpfleger(?!helfer)"),
        r(2, "title", r"examinierte.{0,20}pflege"),
        r(1, "title", r"pflege"),
    ],
    "Pflege": [
        r(3, "title", r"pflege"),
        r(1, "beruf", r"pflege"),
    ],
    "Altenpfleger": [
        r(3, "title", r"altenpfleger(?!helfer)|altenpflegefach"),
        r(3, "beruf", r"^Altenpfleger/in$"),
        r(2, "title", r"altenpflege|pflegefach"),
        r(1, "title", r"pflege"),
    ],
    "Altenpflegerin Teilzeit": [
        r(3, "title", r"altenpfleger(?!helfer)|altenpflegefach"),
        r(3, "beruf", r"^Altenpfleger/in$"),
        r(2, "title", r"altenpflege|pflegefach"),
        r(1, "title", r"pflege"),
    ],
    "Krankenpfleger": [
        r(3, "title", r"krankenpfleger|krankenschwester|pflegefach(kr|frau|mann)"),
        r(2, "title", r"pflegekr|pfleger"),
        r(1, "title", r"pflege"),
    ],
    "MFA": [
        r(3, "title", r"(?<!zahn)med(izinische|\.).{0,5}fachangestellte|\bmfa\b|arzthelfer"),
        r(2, "beruf", r"^Medizinische/r Fachangestellte"),
        r(1, "title", r"praxis"),
    ],
    "Medizinische Fachangestellte": [
        r(3, "title", r"(?<!zahn)med(izinische|\.).{0,5}fachangestellte|\bmfa\b|arzthelfer"),
        r(2, "beruf", r"^Medizinische/r Fachangestellte"),
        r(1, "title", r"zahnmedizinische|fachangestellte"),
    ],
    "ZFA": [
        r(3, "title", r"zahnmedizinische.{0,5}fachangestellte|\bzfa\b|zahnarzthelfer"),
        r(2, "beruf", r"Zahnmedizinische"),
        r(1, "title", r"zahnarzt|zahn"),
    ],
    "Zahnmedizinische Fachangestellte": [
        r(3, "title", r"zahnmedizinische.{0,5}fachangestellte|\bzfa\b|zahnarzthelfer"),
        r(2, "beruf", r"Zahnmedizinische"),
        r(1, "title", r"zahn"),
    ],
    "Verkäufer": [
        r(3, "title", r"verkäufer"),
        r(2, "title", r"verkauf|sales"),
        r(1, "beruf", r"verkäufer|verkauf"),
    ],
    "Verkaeuferin": [
        r(3, "title", r"verkäufer"),
        r(2, "title", r"verkauf|sales"),
        r(1, "beruf", r"verkäufer|verkauf"),
    ],
    "Lagerhelfer": [
        r(
            3,
            "title",
            r"lagerhelfer|helfer.{0,20}lager|lagermitarbeiter"
            r"|lagerarbeiter|mitarbeiter.{0,20}lager",
        ),
        r(2, "beruf", r"helfer/in - lagerwirtschaft|lager- und transportarbeiter"),
        r(1, "title", r"lager|logistik"),
    ],
    "Gabelstaplerfahrer": [
        r(3, "title", r"stapler"),
        r(2, "beruf", r"gabelstaplerfahrer"),
        r(1, "title", r"lager"),
    ],
    "Staplerfahrer": [
        r(3, "title", r"stapler"),
        r(2, "beruf", r"gabelstaplerfahrer"),
        r(1, "title", r"lager"),
    ],
    "Berufskraftfahrer": [
        r(3, "title", r"berufskraftfahrer|lkw-?fahrer|kraftfahrer|\bfahrer\b.{0,10}\bce?\b"),
        r(2, "beruf", r"berufskraftfahrer"),
        r(1, "title", r"fahrer"),
    ],
    "LKW-Fahrer": [
        r(3, "title", r"berufskraftfahrer|lkw|kraftfahrer"),
        r(2, "beruf", r"berufskraftfahrer"),
        r(1, "title", r"fahrer"),
    ],
    "Koch": [
        r(3, "title", r"\bkoch\b|\bköchin|\bköche|jungkoch|\bkoch/"),
        r(2, "title", r"küchenchef|koch"),
        r(1, "title", r"küche"),
    ],
    "Küchenhilfe": [
        r(3, "title", r"küchenhilfe|küchenhelfer|helfer.{0,20}küche|spül"),
        r(2, "beruf", r"helfer/in - küche"),
        r(1, "title", r"küche"),
    ],
    "Erzieher": [
        r(3, "title", r"erzieher"),
        r(2, "title", r"pädagogische.{0,5}fach|kinderpfleger|kita"),
        r(1, "title", r"pädagog|kinder"),
    ],
    "Erzieherin Kita": [
        r(3, "title", r"erzieher"),
        r(2, "title", r"pädagogische.{0,5}fach|kinderpfleger|kita"),
        r(1, "title", r"pädagog|kinder"),
    ],
    "Elektriker": [
        r(3, "title", r"elektriker|elektroinstallateur|elektroniker.{0,25}(energie|gebäude)"),
        r(2, "title", r"elektroniker|elektrofachkraft"),
        r(1, "title", r"elektro"),
    ],
    "Elektroniker Betriebstechnik": [
        r(3, "title", r"elektroniker.{0,25}betriebstechnik"),
        r(2, "title", r"elektroniker"),
        r(1, "title", r"elektr"),
    ],
    "Mechatroniker": [
        r(3, "title", r"mechatroniker"),
        r(2, "beruf", r"mechatroniker"),
        r(1, "title", r"mechaniker"),
    ],
    "Mechatronicker": [
        r(3, "title", r"mechatroniker"),
        r(2, "beruf", r"mechatroniker"),
        r(1, "title", r"mechaniker"),
    ],
    "Industriemechaniker": [
        r(3, "title", r"industriemechaniker"),
        r(2, "beruf", r"industriemechaniker"),
        r(1, "title", r"mechaniker|schlosser"),
    ],
    "Zerspanungsmechaniker": [
        r(3, "title", r"zerspanungsmechaniker"),
        r(2, "title", r"zerspan|cnc"),
        r(1, "title", r"mechaniker|dreher|fräser"),
    ],
    "Mechaniker": [
        r(3, "title", r"mechaniker"),
        r(2, "title", r"mechatroniker"),
        r(1, "beruf", r"mechani"),
    ],
    "Reinigungskraft": [
        r(3, "title", r"reinigungskr|raumpfleger|putzkr|reinigungsmitarbeiter|gebäudereiniger"),
        r(2, "beruf", r"reinigung|gebäudereiniger"),
        r(1, "title", r"reinigung"),
    ],
    "Gebäudereinigung": [
        r(3, "title", r"gebäudereinig"),
        r(2, "title", r"reinigung"),
        r(1, "beruf", r"reinigung"),
    ],
    "Buchhalter": [
        r(3, "title", r"buchhalter|accountant"),
        r(2, "title", r"buchhaltung|bilanz"),
        r(1, "beruf", r"buchhalt"),
    ],
    "Steuerfachangestellte": [
        r(3, "title", r"steuerfachangestellte|steuerfachgehilf"),
        r(2, "beruf", r"steuerfach"),
        r(1, "title", r"steuer|lohn"),
    ],
    "Bürokaufmann": [
        r(3, "title", r"bürokauf|kauf(mann|frau|leute).{0,25}büromanagement"),
        r(3, "beruf", r"bürokaufmann|büromanagement"),
        r(2, "beruf", r"bürokaufmann|büromanagement"),
        r(1, "title", r"büro"),
    ],
    "Kauffrau für Büromanagement": [
        r(3, "title", r"bürokauf|kauf(mann|frau|leute).{0,25}büromanagement"),
        r(3, "beruf", r"bürokaufmann|büromanagement"),
        r(2, "beruf", r"bürokaufmann|büromanagement"),
        r(1, "title", r"büro|kaufm"),
    ],
    "Industriekaufmann": [
        r(3, "title", r"industriekauf"),
        r(3, "beruf", r"industriekauf"),
        r(1, "title", r"kaufm|kauffrau"),
    ],
    "Einzelhandelskaufmann": [
        r(3, "title", r"einzelhandelskauf|kauf(mann|frau).{0,10}einzelhandel"),
        r(2, "beruf", r"einzelhandelskauf"),
        r(1, "title", r"einzelhandel|verkäufer"),
    ],
    "Sachbearbeiter": [
        r(3, "title", r"sachbearbeit"),
        r(2, "title", r"verwaltungsangestellt|verwaltungsfachangestellt"),
        r(1, "beruf", r"sachbearbeit"),
    ],
    "Personalsachbearbeiter": [
        r(3, "title", r"personalsachbearbeit|personalreferent|hr[- ](manager|referent|generalist)"),
        r(2, "title", r"personal|\bhr\b|lohn"),
        r(1, "beruf", r"personal"),
    ],
    "Softwareentwickler": [
        r(3, "title", r"software-?\s?entwickl|software (developer|engineer)"),
        r(2, "title", r"entwickler|developer"),
        r(1, "beruf", r"softwareentwickler|informati"),
    ],
    "Entwickler": [
        r(3, "title", r"entwickler|developer"),
        r(1, "title", r"programmier|software"),
    ],
    "Developer": [
        r(3, "title", r"entwickler|developer"),
        r(1, "title", r"programmier|software"),
    ],
    "Java Entwickler": [
        r(3, "title", r"java.{0,30}(entwickl|developer)|(entwickl|developer).{0,30}java"),
        r(2, "title", r"java"),
        r(1, "title", r"entwickler|developer"),
    ],
    "Systemadministrator": [
        r(3, "title", r"administrator|sysadmin"),
        r(2, "beruf", r"administrator"),
        r(1, "title", r"systemintegration|netzwerk"),
    ],
    "Projektleiter": [
        r(3, "title", r"projektleit|projektmanager|project manager"),
        r(2, "beruf", r"projektleit"),
        r(1, "title", r"projekt|bauleit"),
    ],
    "Bauleiter": [
        r(3, "title", r"bauleit"),
        r(2, "beruf", r"bauleit"),
        r(1, "title", r"projektleit|bau"),
    ],
    "Ingenieur Elektrotechnik": [
        r(3, "title", r"ingenieur.{0,30}elektrotechnik|elektroingenieur|elektrotechnik.{0,30}ingenieur"),
        r(2, "beruf", r"ingenieur/in - elektrotechnik"),
        r(1, "title", r"ingenieur|engineer"),
    ],
    "Physiotherapeut": [
        r(3, "title", r"physiotherapeut|krankengymnast"),
        r(2, "beruf", r"physiotherapeut"),
        r(1, "title", r"therapeut"),
    ],
    "Heilerziehungspfleger": [
        r(3, "title", r"heilerziehungspfleg"),
        r(2, "beruf", r"heilerziehungspfleg"),
        r(1, "title", r"heilerzieh|pfleg"),
    ],
    "Sozialpädagoge": [
        r(3, "title", r"sozialpädagog|sozialarbeit|soziale arbeit"),
        r(2, "beruf", r"sozialpädagog|sozialarbeit"),
        r(1, "title", r"pädagog"),
    ],
    "Hausmeister": [
        r(3, "title", r"hausmeister|haustechniker|facility"),
        r(2, "beruf", r"hausmeister"),
        r(1, "title", r"haustechnik"),
    ],
    "Schreiner": [
        r(3, "title", r"schreiner|tischler"),
        r(2, "beruf", r"tischler"),
        r(1, "title", r"holz|möbel"),
    ],
    "Kellner": [
        r(3, "title", r"kellner|servicekraft|servicemitarbeiter|restaurantfach|service.{0,20}gastronomie"),
        r(2, "beruf", r"servicekraft"),
        r(1, "title", r"gastronomie|restaurant"),
    ],
    "Maschinenführer": [
        r(3, "title", r"maschinen.{0,5}(und anlagen)?führer|anlagenführer|maschinenbediener"),
        r(2, "beruf", r"maschinen- und anlagenführer"),
        r(1, "title", r"maschinen|produktion"),
    ],
    "Produktionshelfer": [
        r(3, "title", r"produktionshelfer|produktionsmitarbeiter|helfer.{0,20}produktion|fertigungshelfer"),
        r(2, "title", r"helfer|produktion"),
        r(1, "beruf", r"helfer"),
    ],
    "Kommissionierer": [
        r(3, "title", r"kommissionier"),
        r(2, "beruf", r"kommissionier"),
        r(1, "title", r"lager"),
    ],
    "Anlagenmechaniker SHK": [
        r(3, "title", r"anlagenmechaniker.{0,40}(shk|sanitär|heizung)|installateur|klempner"),
        r(2, "beruf", r"anlagenmechaniker/in - sanitär"),
        r(1, "title", r"sanitär|heizung|anlagenmechaniker"),
    ],
    "KI Manager": [
        r(3, "title", r"\b(ki|ai)\b.{0,20}manag|manager.{0,20}\b(ki|ai)\b|künstliche intelligenz"),
        r(2, "title", r"\b(ki|ai)\b"),
        r(1, "text", r"künstliche intelligenz|\bki\b"),
    ],
    "Prozessmanager": [
        r(3, "title", r"prozessmanag|process manager"),
        r(2, "title", r"prozess"),
        r(1, "beruf", r"prozessmanager"),
    ],
    "Online Marketing": [
        r(3, "title", r"online.?marketing|performance.?marketing|\bseo\b|\bsea\b"),
        r(2, "title", r"marketing"),
        r(1, "beruf", r"marketing"),
    ],
}


def _read(name: str) -> list[dict[str, str]]:
    with (SHARED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _clean(text: str | None) -> str:
    text = (text or "").replace("\u200b", "").strip()
    return "" if text in ("null", "Unknown") else text


def postings() -> list[dict[str, str]]:
    """Return the fixture postings: a spread of BA occupations, then postings with descriptions."""
    search = [row for row in _read("ba_jobsuche_search_bamberg_2025.csv") if _clean(row["titel"])]
    counts = Counter(row["beruf"] for row in search)
    taken: defaultdict[str, int] = defaultdict(int)
    chosen = []
    top = {beruf for beruf, _ in counts.most_common(OCCUPATIONS)}
    for row in sorted(search, key=lambda row: row["refnr"]):
        if row["beruf"] in top and taken[row["beruf"]] < PER_OCCUPATION:
            taken[row["beruf"]] += 1
            chosen.append({"id": row["refnr"], "title": _clean(row["titel"]), "beruf": row["beruf"],
                           "employer": _clean(row["arbeitgeber"]), "description": ""})  # fmt: skip
    full = sorted(_read("ba_jobsuche_fulltext_2025.csv"), key=lambda row: row["job_url"])
    for row in full[:: max(1, len(full) // FULL_TEXTS)][:FULL_TEXTS]:
        chosen.append({"id": row["job_url"].rsplit("/", 1)[-1], "title": _clean(row["job_title"]),
                       "beruf": _clean(row["beruf"]), "employer": _clean(row["company"]),
                       "description": _clean(row["description"])[:DESCRIPTION_CHARS]})  # fmt: skip
    return chosen


def grade(posting: dict[str, str], rules: list[Rule]) -> int:
    """Return the best grade any rule gives the posting."""
    fields = {"title": posting["title"], "beruf": posting["beruf"],
              "text": f"{posting['title']} {posting['description']}"}  # fmt: skip
    return max((rule.grade for rule in rules if re.search(rule.pattern, fields[rule.field], re.I)), default=0)


def main() -> None:
    """Write postings.json and judgments.json."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=TARGET, help=f"output folder (default {TARGET})")
    target = parser.parse_args().out
    chosen = postings()
    judgments: list[dict[str, Any]] = []
    for query, rules in QUERIES.items():
        grades = {p["id"]: g for p in chosen if (g := grade(p, rules))}
        judgments.append({"query": query, "grades": grades})
    target.mkdir(parents=True, exist_ok=True)
    (target / "postings.json").write_text(json.dumps(chosen, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (target / "judgments.json").write_text(
        json.dumps(judgments, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    empty = [j["query"] for j in judgments if not any(g == 3 for g in j["grades"].values())]
    print(f"{len(chosen)} postings, {len(judgments)} judged queries; without a grade-3 posting: {empty}")


if __name__ == "__main__":
    main()
