"""Every access rule, declared once, as pure functions of the principal and the target.

`can_*` answer; `ensure_*` raise (401 for the anonymous reader, who may just need to
log in; 403 otherwise). Row-level security repeats the region rules in PostgreSQL
(migration 0002), so a slip here does not open the data.
"""

from service.auth.errors import Forbidden, MissingToken
from service.auth.principal import Principal, Scope


def has_scope(principal: Principal, scope: Scope) -> bool:
    return scope in principal.scopes


def is_auditor(principal: Principal) -> bool:
    """Auditors read everything and record rectification; they write no figures,
    even if a token also grants them a figure scope (separation of duties)."""
    return Scope.AUDIT_READ in principal.scopes


def can_read_figures(principal: Principal) -> bool:
    """Figures of every region, for any reader: that is the point of sharing."""
    return has_scope(principal, Scope.FIGURES_READ)


def can_read_audit_findings(principal: Principal) -> bool:
    return has_scope(principal, Scope.AUDIT_READ)


def can_report_actual(principal: Principal, region_code: str) -> bool:
    """ACTUAL figures (and a region's funds and loans): that same region only."""
    return (
        has_scope(principal, Scope.FIGURES_REPORT)
        and not is_auditor(principal)
        and principal.region_code == region_code
    )


def can_assign_target(principal: Principal, region_code: str, ancestors: list[str]) -> bool:
    """TARGET figures: a principal of a strict ancestor of `region_code`.

    `ancestors` are the strict ancestors of `region_code` (regions.store.ancestors_of).
    """
    return (
        has_scope(principal, Scope.TARGETS_ASSIGN)
        and not is_auditor(principal)
        and principal.region_code is not None
        and principal.region_code != region_code
        and principal.region_code in ancestors
    )


def scope_for_figure(kind: str) -> Scope:
    """The scope a figure kind is written with: ACTUAL is reported, the rest assigned."""
    return Scope.FIGURES_REPORT if kind == "ACTUAL" else Scope.TARGETS_ASSIGN


def may_write_figure(
    principal: Principal, region_code: str, kind: str, ancestors: list[str]
) -> bool:
    """ACTUAL: `can_report_actual`; TARGET and SUPPLEMENTARY_TARGET: `can_assign_target`."""
    if kind == "ACTUAL":
        return can_report_actual(principal, region_code)
    return can_assign_target(principal, region_code, ancestors)


def can_record_rectification(principal: Principal, region_code: str, ancestors: list[str]) -> bool:
    """Rectification of `region_code`: recorded for one's own region or any below it."""
    return has_scope(principal, Scope.RECTIFICATION_RECORD) and (
        principal.region_code == region_code
        or (principal.region_code is not None and principal.region_code in ancestors)
    )


def can_certify_period(principal: Principal, region_code: str, ancestors: list[str]) -> bool:
    """Certify or reopen a region's reporting period: a principal of a strict ancestor."""
    return (
        has_scope(principal, Scope.PERIODS_CERTIFY)
        and not is_auditor(principal)
        and principal.region_code is not None
        and principal.region_code in ancestors
    )


def can_administer_catalogue(principal: Principal) -> bool:
    return has_scope(principal, Scope.CATALOGUE_ADMIN)


def _refuse(principal: Principal, detail: str) -> None:
    if principal.is_anonymous:
        raise MissingToken()
    raise Forbidden(detail)


def require_scope(principal: Principal, scope: Scope) -> None:
    if not has_scope(principal, scope):
        _refuse(principal, f"this needs the '{scope.value}' scope")


def ensure_can_read_audit_findings(principal: Principal) -> None:
    if not can_read_audit_findings(principal):
        _refuse(principal, "individual audit findings need the 'audit:read' scope")


def ensure_can_report_actual(principal: Principal, region_code: str) -> None:
    if not can_report_actual(principal, region_code):
        _refuse(principal, f"ACTUAL figures of {region_code} are reported by {region_code} only")


def ensure_can_report_funds(principal: Principal, region_code: str) -> None:
    """Fund movements, loan disbursements and bond issues follow `can_report_actual`."""
    if not can_report_actual(principal, region_code):
        _refuse(
            principal,
            f"funds, loans and bonds of {region_code} are reported by {region_code} only",
        )


def ensure_can_assign_target(principal: Principal, region_code: str, ancestors: list[str]) -> None:
    if not can_assign_target(principal, region_code, ancestors):
        _refuse(principal, f"TARGET figures of {region_code} are assigned by a region above it")


def ensure_may_write_figure(
    principal: Principal, region_code: str, kind: str, ancestors: list[str]
) -> None:
    if kind == "ACTUAL":
        ensure_can_report_actual(principal, region_code)
    else:
        ensure_can_assign_target(principal, region_code, ancestors)


def ensure_can_record_rectification(
    principal: Principal, region_code: str, ancestors: list[str]
) -> None:
    if not can_record_rectification(principal, region_code, ancestors):
        _refuse(
            principal,
            f"rectification of {region_code} is recorded by an auditor of it or a region above",
        )


def ensure_can_certify_period(principal: Principal, region_code: str, ancestors: list[str]) -> None:
    if not can_certify_period(principal, region_code, ancestors):
        _refuse(principal, f"periods of {region_code} are certified by a region above it")


def ensure_can_administer_catalogue(principal: Principal) -> None:
    if not can_administer_catalogue(principal):
        _refuse(principal, "the catalogue is administered with the 'catalogue:admin' scope")
