"""Terms of employment: working time, remote work, fixed term, agencies and the kind of offer."""

from __future__ import annotations

from dataclasses import dataclass, field

# The BA Jobsuche `arbeitszeit` codes: Vollzeit, Teilzeit, Schicht/Nacht/Wochenende, Heim-/Telearbeit,
# Minijob.
WORKING_TIME_CODES = frozenset({"vz", "tz", "snw", "ho", "mj"})
REMOTE_LEVELS = frozenset({"full", "partial"})
# What kind of offer a posting is besides ordinary employment. A Minijob is a working time ("mj"), not an
# offer kind: the BA files it there, and a Werkstudent or an Ausbildung can be part time too.
OFFER_KINDS = frozenset(
    {"ausbildung", "duales_studium", "praktikum", "werkstudent", "trainee", "berufseinstieg"}
)


class InvalidTermsError(ValueError):
    """Terms with a code outside the allowed sets or contradicting each other."""


@dataclass(frozen=True, slots=True)
class Terms:
    """The terms of a posting; None means the posting does not say."""

    working_time: frozenset[str] = frozenset()
    remote: str | None = None
    fixed_term: bool | None = None
    temp_agency: bool | None = None
    private_agency: bool | None = None
    offer_kinds: frozenset[str] = frozenset()
    evidence: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.working_time <= WORKING_TIME_CODES:
            raise InvalidTermsError(
                f"unknown working-time codes {sorted(self.working_time - WORKING_TIME_CODES)}"
            )
        if not self.offer_kinds <= OFFER_KINDS:
            raise InvalidTermsError(f"unknown offer kinds {sorted(self.offer_kinds - OFFER_KINDS)}")
        if self.remote is not None and self.remote not in REMOTE_LEVELS:
            raise InvalidTermsError(f"remote must be 'full', 'partial' or None, not {self.remote!r}")
        # "ho" is the BA's flag for remote work of any extent; `remote` says how much.
        if ("ho" in self.working_time) != (self.remote is not None):
            raise InvalidTermsError("'ho' in working_time and a remote level go together")
