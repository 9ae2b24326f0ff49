"""Spread a per-ledger job over two processes (``summary`` over many ledgers).

``map_spread(fn, items)`` returns ``[fn(x) for x in items]``, in order. With many items
on a machine with more than one CPU it forks once: the child computes the second half
and sends it back pickled through a pipe while the parent computes the first half.
Anything unusual (no fork, a child that fails or sends garbage, an exception) falls
back to computing in the parent, so the result and any exception raised are exactly
those of the plain loop.
"""

from __future__ import annotations

import os
import pickle

TYPE_CHECKING = False  # the typing module costs ~4 ms at start-up; annotations only
if TYPE_CHECKING:
    from typing import Any, Callable, Sequence


MIN_ITEMS = 64
_DISABLE_ENV = "CEPLEDGER_NO_SPREAD"


def worth_it(n: int) -> bool:
    return (n >= MIN_ITEMS and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and not os.environ.get(_DISABLE_ENV))


def map_spread(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    items = list(items)
    if not worth_it(len(items)):
        return [fn(x) for x in items]
    half = (len(items) + 1) // 2
    try:
        r, w = os.pipe()
    except OSError:
        return [fn(x) for x in items]
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return [fn(x) for x in items]
    if pid == 0:  # the child: compute the second half, send it, leave without cleanup
        try:
            os.close(r)
            try:
                payload = pickle.dumps(("ok", [fn(x) for x in items[half:]]), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - the parent recomputes and raises it itself
                payload = pickle.dumps(("failed",))
            view = memoryview(payload)
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    os.close(w)
    try:
        first = [fn(x) for x in items[:half]]
    except BaseException:
        _reap(pid, r, kill=True)
        raise
    chunks = []
    try:
        while True:
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        chunks = []
    ok = _reap(pid, r)
    try:
        message = pickle.loads(b"".join(chunks)) if ok and chunks else None
    except Exception:  # noqa: BLE001
        message = None
    if type(message) is tuple and len(message) == 2 and message[0] == "ok" and len(message[1]) == len(items) - half:
        return first + message[1]
    return first + [fn(x) for x in items[half:]]


def _reap(pid: int, fd: int, kill: bool = False) -> bool:
    """Close our end, wait for the child; True when it exited normally."""
    if kill:
        try:
            import signal

            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.close(fd)
    except OSError:
        pass
    try:
        _, status = os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
