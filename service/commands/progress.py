"""Progress bars for long work, on stderr so that stdout stays the command's answer."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

Advance = Callable[[str], None]


@contextmanager
def stages(description: str, total: int) -> Iterator[Advance]:
    """A bar of `total` named stages; each call of the yielded function completes one.
    Hidden when stderr is not a terminal (logs, CI), where a bar is only noise."""
    with tqdm(
        total=total,
        desc=description,
        unit="step",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {postfix} [{elapsed}]",
    ) as bar:

        def advance(stage: str) -> None:
            bar.set_postfix_str(stage, refresh=False)
            bar.update(1)

        yield advance
