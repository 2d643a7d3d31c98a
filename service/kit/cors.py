"""Cross-origin reads and writes for the browser apps a deployment names.

Only origins in the allow-list (`ANJU_CORS_ORIGINS`) get CORS headers; with none
configured nothing is added and browsers keep their same-origin rule."""

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

# what a browser app sends besides the simple headers: tokens, preconditions, retries
REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Request-ID",
    "X-Anju-Min-LSN",
]
# what it may read of an answer besides the CORS-safelisted ones
RESPONSE_HEADERS = [
    "ETag",
    "Link",
    "Retry-After",
    "X-Request-ID",
    "X-Anju-LSN",
    "Idempotent-Replayed",
    "WWW-Authenticate",
]


def install_cors(app: FastAPI, origins: list[str], max_age: int) -> None:
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "OPTIONS"],
        allow_headers=REQUEST_HEADERS,
        expose_headers=RESPONSE_HEADERS,
        # tokens travel in Authorization, never in cookies
        allow_credentials=False,
        max_age=max_age,
    )
