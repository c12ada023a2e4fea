"""Print what the skills lexicon finds in the real BA postings of ../shared/data, to guide its curation.

Shows the share of descriptions with a skill, the extraction speed, the most frequent skills, the most
frequent technical-looking words that no form covers (candidates for new skills or variants), and on request
where given skills were found.
Run: python scripts/skills_report.py [--shared ../shared/data] [--top 40] [--show SKILL_ID ...]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The report runs as a plain script from a checkout, so the package need not be installed.
sys.path.insert(0, str(REPO / "src"))

from stellwerk.domain.skills import SkillMatch  # noqa: E402
from stellwerk.domain.text import nfc  # noqa: E402
from stellwerk.normalize.skills import SkillLexicon, default_lexicon  # noqa: E402

POSTINGS_FILE = "postings/ba_jobsuche_fulltext_2025.csv"
# Words that look like names of tools, standards or methods: a capital or digit after the first letter
# ("ViFlow", "KPIs", "S7", "Power-BI"). Plain capitalised German nouns would drown them.
_TECHNICAL = re.compile(r"(?<![\w-])[A-Za-zÄÖÜ][\w+#.-]*[A-Z0-9+#][\w+#.-]*(?<=[\w+#])")
CONTEXT = 50


def read_descriptions(shared: Path) -> list[str]:
    """Return the posting descriptions of the full-text sample."""
    with (shared / POSTINGS_FILE).open(encoding="utf-8", newline="") as handle:
        # The importer stores descriptions in NFC; spans of matches refer to that form.
        return [nfc(row["description"]) for row in csv.DictReader(handle)]


def unmatched_terms(lexicon: SkillLexicon, text: str) -> set[str]:
    """Return the technical-looking words of a text that name no skill on their own."""
    return {word for word in set(_TECHNICAL.findall(text)) if not lexicon.extract(word)}


def context(text: str, match: SkillMatch) -> str:
    """Return the match with some text either side, on one line."""
    before = text[max(0, match.start - CONTEXT) : match.start]
    after = text[match.end : match.end + CONTEXT]
    return " ".join(f"{before}[{match.matched}]{after}".split())


def throughput(lexicon: SkillLexicon, texts: Sequence[str], rounds: int = 5) -> float:
    """Return descriptions per second of extract() on one core, best of some rounds (machines are noisy)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            lexicon.extract(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def report(lexicon: SkillLexicon, texts: Sequence[str], top: int, show: Sequence[str]) -> None:
    """Print the coverage figures, frequent skills, frequent unmatched words and the asked-for contexts."""
    results = [lexicon.extract(text) for text in texts]
    covered = sum(1 for matches in results if matches)
    print(f"lexicon {lexicon.version}: {len(lexicon.skills)} skills in {len(lexicon.categories)} categories")
    print(f"{covered}/{len(texts)} descriptions ({covered / len(texts):.1%}) name at least one skill")
    per_text = sum(len(matches) for matches in results) / len(texts)
    print(f"{per_text:.1f} skills per description on average")
    average = sum(map(len, texts)) / len(texts)
    print(
        f"{throughput(lexicon, texts):,.0f} descriptions/s on one core (average {average:,.0f} characters)\n"
    )
    skills = Counter(match.skill.id for matches in results for match in matches)
    print(f"Most frequent skills (descriptions naming them), top {top}:")
    for skill_id, count in skills.most_common(top):
        print(f"  {count:4d}  {skill_id}")
    # The same page furniture repeats in many postings; counting each word once per description evens it out.
    words = Counter(word for text in texts for word in unmatched_terms(lexicon, text))
    print(f"\nMost frequent unmatched technical-looking words, top {top}:")
    for word, count in words.most_common(top):
        print(f"  {count:4d}  {word}")
    for skill_id in show:
        print(f"\nWhere {skill_id} was found:")
        for text, matches in zip(texts, results, strict=True):
            print("".join(f"  {context(text, m)}\n" for m in matches if m.skill.id == skill_id), end="")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--shared", type=Path, default=REPO.parent / "shared" / "data", help="shared data directory"
    )
    parser.add_argument("--top", type=int, default=40, help="how many skills and words to list")
    parser.add_argument(
        "--show", nargs="*", default=[], metavar="SKILL_ID", help="print where these skills were found"
    )
    args = parser.parse_args(argv)
    report(default_lexicon(), read_descriptions(args.shared), args.top, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
