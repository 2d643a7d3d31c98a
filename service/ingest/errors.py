"""Errors of the seed importer and loader."""


class SeedError(Exception):
    """Base of every error raised while importing or loading seed data."""


class SeedImportError(SeedError, ValueError):
    """A cell, row or line of a seed document the importer cannot place.

    Deliberately not a subclass of the builtin ImportError: code that guards an
    optional module import with `except ImportError` must not swallow it.
    """

    def __init__(
        self,
        message: str,
        *,
        annex: int | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.annex = annex
        self.line = line
        self.column = column
        where = []
        if annex is not None:
            where.append(f"附件{annex}")
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{' '.join(where)}: {message}" if where else message)


class DocumentExistsError(SeedError):
    """The document is already loaded and nothing in it differs from what is stored
    (a reissue that changes something loads as new revisions instead)."""

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"document {number} is already loaded, and nothing in it changed")


class UnknownCodeError(SeedError):
    """Seed data refers to a catalogue code (indicator, region …) the database lacks."""
