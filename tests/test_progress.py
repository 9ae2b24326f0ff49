"""The progress bar on stderr: drawn only on a terminal, at most once per hundredth, erased at the end."""

from __future__ import annotations

import io

from cepledger.render.progress import MIN_ITEMS, Progress, track


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_run_draws_at_each_hundredth_then_erases():
    err = Tty()
    with Progress(err, 1000, "checking") as bar:
        for _ in range(1000):
            bar.tick()
    frames = err.getvalue().split("\r")[1:]
    assert frames[0] == "checking " + "░" * 24 + " 1/1000"
    assert frames[-3] == "checking " + "█" * 24 + " 1000/1000"
    assert len(frames) - 2 == 101  # item 1, then every tenth item (11, 21 ... 991), then item 1000
    assert frames[-2] == " " * (len("checking") + 24 + 2 * 4 + 4) and frames[-1] == ""


def test_the_last_item_is_always_drawn():
    err = Tty()
    with Progress(err, 250, "x") as bar:
        bar.tick(249)
        bar.tick()
    assert "250/250" in err.getvalue()


def test_no_bar_off_a_terminal_or_for_a_few_items():
    for err, n in ((io.StringIO(), 1000), (Tty(), MIN_ITEMS - 1)):
        assert list(track(range(n), err, "x")) == list(range(n))
        assert err.getvalue() == ""
