"""Progress bars of the long commands (rich), on stderr so that stdout stays the command's
answer, and only on a terminal: in logs and CI a bar is only noise."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

Advance = Callable[[str], None]


def terminal_progress(*columns: ProgressColumn, console: Console | None = None) -> Progress:
    """A progress display on `console` (stderr by default), hidden unless it is a terminal."""
    console = console or Console(stderr=True)
    return Progress(*columns, console=console, disable=not console.is_terminal)


@contextmanager
def stages(description: str, total: int, console: Console | None = None) -> Iterator[Advance]:
    """A bar of `total` named stages; each call of the yielded function completes one."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
    )
    with terminal_progress(*columns, console=console) as bar:
        task = bar.add_task(description, total=total, stage="")

        def advance(stage: str) -> None:
            bar.update(task, advance=1, stage=stage)

        yield advance
