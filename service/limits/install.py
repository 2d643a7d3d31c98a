"""What the app installs for the limits besides its GraphQL router."""

from fastapi import FastAPI

from service.config import Settings
from service.limits.body import BodyLimit
from service.limits.rates import RateLimiter

UPLOAD_PATHS = ("/api/v1/uploads/figures",)


def install_limits(app: FastAPI, settings: Settings) -> None:
    """The body limit and the rate limiter that the `rate_limit` dependency and the
    GraphQL extension share. Call before the request-id middleware: a 413 then carries
    the request id too."""
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        per_path=dict.fromkeys(UPLOAD_PATHS, settings.max_upload_body_bytes),
    )
