"""Request ids: the caller's own if it is a plain token, else a fresh one.

The id is stamped on every change a request writes, on its log lines and its access
record, and echoed back: a caller's value that could carry markup or control
characters into a log viewer or a report is not kept."""

import re
import uuid

PLAIN_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def accepted(sent: str | None) -> str:
    if sent is not None and PLAIN_TOKEN.fullmatch(sent):
        return sent
    return uuid.uuid4().hex
