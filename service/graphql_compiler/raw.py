"""An answer's `data` as JSON text from the database, carried to the HTTP response."""

import json
from typing import Any


class RawJson(str):
    """JSON text to send as it is, not a string to encode."""


def encode(response: Any) -> bytes | None:
    """The response's bytes when its `data` is RawJson, as the router encodes the rest
    (compact, UTF-8 unescaped); None for any other response."""
    if not isinstance(response, dict) or not isinstance(response.get("data"), RawJson):
        return None
    parts = [f'"data":{response["data"]}'] + [
        f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
        for k, v in response.items()
        if k != "data"
    ]
    return ("{" + ",".join(parts) + "}").encode()
