"""The years the exchange speaks of, and the one check every reader and writer makes."""

from service.kit.errors import InvalidInput

YEARS = range(1990, 2101)
FIRST_YEAR, LAST_YEAR = YEARS.start, YEARS.stop - 1


def check_year(year: int, field: str = "year") -> int:
    """Refuse a year outside YEARS (the tables' check constraints say the same)."""
    if year not in YEARS:
        raise InvalidInput(field, f"must be between {FIRST_YEAR} and {LAST_YEAR}, got {year}")
    return year
