"""The refusals: 401 when we do not know who is calling, 403 when we do and the answer is no."""

from service.kit.errors import Forbidden as Forbidden  # the 403 lives in the kit
from service.kit.errors import ProblemError


class Unauthenticated(ProblemError):
    """The bearer token is missing or not acceptable; `reason` says which check failed.

    The detail stays general (expired, wrong audience, ...) and never echoes the token.
    """

    status = 401
    code = "invalid-token"
    title = "Not authenticated"

    def __init__(self, detail: str, *, reason: str) -> None:
        super().__init__(detail, reason=reason)
        self.reason = reason


class MissingToken(Unauthenticated):
    code = "missing-token"

    def __init__(self, detail: str = "this request needs a bearer token") -> None:
        super().__init__(detail, reason="missing")


class KeysUnavailable(ProblemError):
    """The JWKS endpoint could not be read: our fault (or the issuer's), not the caller's."""

    status = 503
    code = "keys-unavailable"
    title = "Signing keys unavailable"
