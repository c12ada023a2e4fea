"""Map the occupation a source names (BA `beruf`) to its KldB 2010 code."""

from __future__ import annotations

import re

from stellwerk.reference.taxonomy import Taxonomy

# "Elektrotechnikermeister/in/B. Prof. Elektrotechn.-Handwerk": the degree "Bachelor Professional" is
# appended to master craftsman titles in postings but not in the BA occupation list.
_BACHELOR_PROFESSIONAL = re.compile(r"\s*/\s*B\.\s*Prof\..*$")


def kldb_for_beruf(taxonomy: Taxonomy, beruf: str) -> str | None:
    """Return the KldB code of a BA occupation name: BA occupation list, then BA job-title list."""
    for name in dict.fromkeys([beruf, _BACHELOR_PROFESSIONAL.sub("", beruf)]):
        known = taxonomy.beruf_by_name(name)
        if known is not None:
            return known.kldb
        code = taxonomy.kldb_for_title(name)
        if code is not None:
            return code
    return None
