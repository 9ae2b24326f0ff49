"""A progress bar on stderr for long runs (summary, check, import over many files).

Shown only when stderr is a terminal and there are enough items to be worth it; it is
drawn on one line with carriage returns and erased at the end, so stdout (and anything
piped or redirected) never sees it. It is redrawn at each hundredth of the run rather
than by the clock, so what it writes depends on the items alone. No rich: it is a few
characters.
"""

from __future__ import annotations

from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")
MIN_ITEMS = 20  # fewer files than this finish before a bar is worth drawing
WIDTH = 24
STEPS = 100  # redraws over a whole run, at most (and once more at the end)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """``with Progress(err, total, "checking") as bar: bar.tick()``: a bar only on a terminal."""

    def __init__(self, err: TextIO, total: int, label: str, *, min_items: int = MIN_ITEMS):
        self.err, self.total, self.label = err, total, label
        self.enabled = total >= min_items and _is_terminal(err)
        self.done = 0
        self._step = max(1, total // STEPS)
        self._next = 0  # the count at which to draw next
        self._shown = False

    def tick(self, n: int = 1) -> None:
        """Count ``n`` more items done; redraw at each step and at the end."""
        self.done += n
        if not self.enabled or (self.done < self._next and self.done < self.total):
            return
        self._next = self.done + self._step
        share = min(1.0, self.done / self.total) if self.total else 1.0
        full = int(share * WIDTH)
        bar = "█" * full + "░" * (WIDTH - full)
        self.err.write(f"\r{self.label} {bar} {self.done}/{self.total}")
        self.err.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the bar, leaving the terminal line as it was."""
        if self._shown:
            self.err.write("\r" + " " * (len(self.label) + WIDTH + 2 * len(str(self.total)) + 4) + "\r")
            self.err.flush()
            self._shown = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def track(items: Iterable[T], err: TextIO, label: str, *, min_items: int = MIN_ITEMS) -> Iterator[T]:
    """Yield ``items`` while drawing a bar on ``err`` (when it is a terminal)."""
    items = list(items)
    with Progress(err, len(items), label, min_items=min_items) as bar:
        for item in items:
            yield item
            bar.tick()
