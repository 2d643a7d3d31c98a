"""The problems of loan writes and reads that name a lender."""

from service.kit.errors import NotFound


class LenderNotFound(NotFound):
    code = "lender-not-found"
    title = "Unknown lender"

    def __init__(self, key: str, field: str = "lender") -> None:
        super().__init__(f"no lender with code '{key}'", field=field, lender=key)
