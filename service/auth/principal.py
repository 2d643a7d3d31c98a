"""The caller as the rest of the service sees it: a subject, the region it acts for, scopes."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    FIGURES_READ = "figures:read"
    # ACTUAL figures (and funds, loans) of the principal's own region
    FIGURES_REPORT = "figures:report"
    # TARGET figures of the regions strictly below the principal's
    TARGETS_ASSIGN = "targets:assign"
    RECTIFICATION_RECORD = "rectification:record"
    # certify or reopen the reporting periods of regions strictly below the principal's
    PERIODS_CERTIFY = "periods:certify"
    # individual audit findings; held by auditors
    AUDIT_READ = "audit:read"
    CATALOGUE_ADMIN = "catalogue:admin"

    @classmethod
    def parse_known(cls, names: Iterable[str]) -> frozenset["Scope"]:
        """The scopes we know among `names`; a shared issuer may grant others, which we ignore."""
        known = {s.value: s for s in cls}
        return frozenset(known[n] for n in names if n in known)


@dataclass(frozen=True)
class Principal:
    subject: str
    # None only for the anonymous reader of a public-read deployment
    region_code: str | None
    scopes: frozenset[Scope]

    @property
    def is_anonymous(self) -> bool:
        return self.region_code is None

    def rls_claims(self) -> dict[str, str | None]:
        """The claims row-level security reads (`anju_claim('principal' | 'region' | 'scopes')`)."""
        return {
            "principal": self.subject,
            "region": self.region_code,
            "scopes": " ".join(sorted(s.value for s in self.scopes)),
        }


# Used when the operator sets ANJU_PUBLIC_READ=true and a request carries no token.
ANONYMOUS = Principal(subject="anonymous", region_code=None, scopes=frozenset({Scope.FIGURES_READ}))
