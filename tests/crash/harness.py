"""A kill, or a failure, at every state-changing system call of every writing command.

In the manner of SQLite's crash tests: each writing command is first run once under
``strace`` to list the state-changing system calls it makes (``openat`` with
``O_CREAT``/``O_TRUNC``/``O_TMPFILE``, ``write``, ``fsync``, ``fdatasync``, ``rename``,
``unlink``, ``mkdir``, ``link`` and their ``*at`` forms), then run again once per call,
from the same starting files, with ``strace -f -e inject=SYSCALL:signal=KILL:when=N``
(or ``error=ENOSPC|EIO|EACCES``) so it dies, or fails, at exactly that call. strace
counts calls per system call and per process, so "the N-th ``fsync``" names one call.

After each kill (``check_kill``): every ledger parses; the ledgers hold exactly the old
bytes or exactly the bytes an uninterrupted run writes (entry ids aside: they are random),
never a mix; no file but the ledgers is visible (a temp file is hidden, ``.<id>.toml.*.tmp``);
a summary from the report cache equals one computed without it; the next command succeeds
and leaves no temp file; and the cache agrees again afterwards.

After each injected failure (``check_failure``): before the ledger is replaced the
command exits 4 with one sentence on stderr and every file byte-identical (a few calls
are optional and may fail harmlessly: the ``.gitignore`` of ``.cepledger/``, the report
cache); after the replace, the new file is in place and the command either succeeds or
exits 4 saying the change was written.

The command list is data (``COMMANDS``): ``amend`` and ``undo`` are used only when the
installed ``cep`` has them (``cep amend --help`` exits 0).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-03-15"

# Syscalls traced while counting; the state-changing ones among them are the kill points.
TRACED = ("openat", "open", "creat", "write", "pwrite64", "writev", "fsync", "fdatasync", "rename",
          "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat", "link", "linkat",
          "truncate", "ftruncate")
CREATING_FLAGS = ("O_CREAT", "O_TRUNC", "O_TMPFILE")
ERRORS = ("ENOSPC", "EIO", "EACCES")
TEMP_RE = re.compile(r'/[^/"]*\.tmp"')  # temp names (ledger, cache, undo journal) are random
ID_RE = re.compile(rb'\bid = "([0-9a-f]{6})"')

JDOE = """\
# Jane Doe's CEP record, kept by hand.
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"   # as on the certificate

[programs.cass-cep]
since = 2021-09-01

[[entries]]
id = "a00001"
date = 2025-10-03
activity = "cass-conference"
hours = 12
title = "Fall Conference 2025"
item = "fall-conference-2025"

[[entries]]
id = "a00002"
date = 2025-11-12
activity = "live-webinar"
hours = 4
item = "webinar-1"

[[entries]]
id = "a00004"
date = 2026-01-10
activity = "research-report"
hours = 2.5
item = "report-1"
"""

# CRLF line endings and no final newline: the writer must keep both as they are.
MLEE = ("schema = 1\r\n\r\n[member]\r\nid = \"mlee\"\r\nname = \"Min Lee\"\r\n\r\n"
        "[programs.casc-butte]\r\nsince = 2025-09-03\r\nemployed_since = 2025-07-01\r\n\r\n"
        "[[entries]]\r\nid = \"b00001\"\r\ndate = 2025-09-05\r\nactivity = \"orientation\"\r\n\r\n"
        "[[entries]]\r\nid = \"b00002\"\r\ndate = 2025-09-10\r\nactivity = \"coaching\"\r\nhours = 0.5")

IMPORT_CSV = "date,activity,hours,title\n2026-01-05,live-webinar,2,Webinar A\n2026-01-06,research-report,1.5,Report B\n"


@dataclass(frozen=True)
class Command:
    """One writing command of the sweep: ``args`` after ``cep --ledgers DIR``."""

    name: str
    args: tuple[str, ...]
    member: str  # the ledger it writes (its follow-up add goes there)
    setup: tuple[tuple[str, ...], ...] = ()  # commands run once on the starting files
    needs: str | None = None  # a subcommand that must exist (``cep NEEDS --help`` exits 0)
    cache_only: bool = False  # writes only the report cache (summary), never a ledger
    follow_up: tuple[str, ...] = ("add", "{member}", "live-webinar", "1", "--date", "2026-02-20",
                                  "--item", "follow-up")  # the next command after a kill


CASC_FOLLOW_UP = ("add", "mlee", "professional-learning", "1", "--date", "2026-02-20", "--title", "follow-up")
COMMANDS: tuple[Command, ...] = (
    Command("add", ("add", "jdoe", "live-webinar", "2", "--date", "2026-01-05", "--item", "web-x",
                    "--title", "Crash test webinar"), "jdoe"),
    Command("void", ("void", "mlee", "b00002", "--reason", "entered twice"), "mlee", follow_up=CASC_FOLLOW_UP),
    Command("import", ("import", "jdoe", "{inputs}/in.csv"), "jdoe"),
    Command("member add", ("member", "add", "newbie", "--name", "New Bie", "--program", "cass-cep",
                           "--since", "2025-09-01"), "newbie"),
    Command("member enrol", ("member", "enrol", "mlee", "cass-cep", "--since", "2025-09-01"), "mlee",
            follow_up=CASC_FOLLOW_UP),
    Command("amend", ("amend", "jdoe", "a00004", "--title", "Research report (corrected)"), "jdoe",
            needs="amend"),
    Command("undo", ("undo", "jdoe"), "jdoe",
            setup=(("add", "jdoe", "live-webinar", "1", "--date", "2026-01-07", "--item", "web-u"),),
            needs="undo"),
    Command("summary (report cache)", ("summary", "--format", "json"), "jdoe", cache_only=True),
)


# ----------------------------------------------------------------- running cep


def strace_path() -> str | None:
    return shutil.which("strace")


def child_env(case: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEPLEDGER_", "COV_CORE", "COVERAGE"))}
    env.update({"CEPLEDGER_TODAY": TODAY, "XDG_CACHE_HOME": str(case / "cache"),
                "XDG_STATE_HOME": str(case / "state"), "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1", "COLUMNS": "100", "LC_ALL": "C.UTF-8"})
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def cep_argv(case: Path, args: tuple[str, ...], member: str = "") -> list[str]:
    fill = {"inputs": str(case / "inputs"), "member": member}
    return [sys.executable, "-m", "cepledger", "--ledgers", str(case / "ledgers"),
            *(a.format(**fill) for a in args)]


def run_cep(case: Path, args: tuple[str, ...], *, member: str = "", prefix: list[str] | None = None,
            timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run((prefix or []) + cep_argv(case, args, member), cwd=case, env=child_env(case, **env),
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def command_available(cmd: Command) -> bool:
    if cmd.needs is None:
        return True
    r = subprocess.run([sys.executable, "-m", "cepledger", cmd.needs, "--help"], capture_output=True,
                       env=child_env(REPO), timeout=60, stdin=subprocess.DEVNULL)
    return r.returncode == 0


# ----------------------------------------------------------------- files


def make_start(root: Path, cmd: Command) -> Path:
    """The starting files of ``cmd``: ledgers (no ``.cepledger`` yet, so the first
    write creates it), a report cache warmed by one summary, the import file.

    Built in ``root/case`` (where every run happens: the report cache is keyed by the
    ledgers folder's path, and strace's lines name it) and kept in ``root/start``."""
    case = root / "case"
    (case / "ledgers").mkdir(parents=True)
    (case / "inputs").mkdir()
    (case / "cache").mkdir()
    (case / "ledgers" / "jdoe.toml").write_bytes(JDOE.encode())
    (case / "ledgers" / "mlee.toml").write_bytes(MLEE.encode())
    (case / "inputs" / "in.csv").write_text(IMPORT_CSV, encoding="utf-8")
    for args in cmd.setup:
        r = run_cep(case, args)
        assert r.returncode == 0, f"setup {args} of {cmd.name}: {r.stderr}"
    shutil.rmtree(case / "ledgers" / ".cepledger", ignore_errors=True)
    if not cmd.cache_only:
        r = run_cep(case, ("summary", "--format", "json"))
        assert r.returncode == 0, r.stderr
    shutil.copytree(case, root / "start", symlinks=True)
    return root / "start"


def fresh_case(start: Path) -> Path:
    """``<root>/case`` as a fresh copy of the starting files."""
    case = start.parent / "case"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(start, case, symlinks=True)
    return case


def visible(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def ledger_bytes(case: Path) -> dict[str, bytes]:
    folder = case / "ledgers"
    return {n: (folder / n).read_bytes() for n in visible(folder) if (folder / n).is_file()}


def all_files(case: Path) -> dict[str, str]:
    """Every regular file of the case (ledgers, cache, inputs) → SHA-256; the tool's own
    state folder ``.cepledger/`` (lock files, its ``.gitignore``) aside."""
    out = {}
    for p in sorted(case.rglob("*")):
        if p.is_file() and ".cepledger" not in p.parts:
            out[str(p.relative_to(case))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def mask_new_ids(data: bytes, old: bytes) -> bytes:
    """``data`` with every entry id that ``old`` lacks replaced, in order, by a fixed name.

    New ids are random; everything else an uninterrupted run writes is exact."""
    known = set(ID_RE.findall(old))
    names: dict[bytes, bytes] = {}
    for m in ID_RE.finditer(data):
        if m.group(1) not in known and m.group(1) not in names:
            names[m.group(1)] = b"NEW%03d" % len(names)
    for ident, name in names.items():
        data = data.replace(ident, name)
    return data


# ----------------------------------------------------------------- counting the calls


@dataclass(frozen=True)
class Point:
    """One state-changing call: the ``ordinal``-th call of ``syscall`` in the process."""

    syscall: str
    ordinal: int
    call: str  # the trace line, pid stripped, temp names masked
    index: int  # position among all the command's state-changing calls
    after_commit: bool  # the ledger (or cache record) was already replaced
    commit: bool  # this call replaces the ledger (the rename / link)
    stdio: bool  # a write to stdout or stderr
    target: str = ""  # the file a write/fsync goes to, the flags of an openat
    changed_nothing: bool = False  # the call failed when counted (mkdir of an existing folder)

    @property
    def label(self) -> str:
        return f"{self.syscall}#{self.ordinal}"


_LINE_RE = re.compile(r"^(\d+)\s+(\w+)\((.*)$")


def _state_changing(name: str, rest: str) -> bool:
    if name in ("openat", "open"):
        flags = rest.split(", ")[2 if name == "openat" else 1] if rest.count(", ") >= 1 else ""
        return any(f in flags for f in CREATING_FLAGS)
    return name in TRACED


def _norm(name: str, rest: str) -> str:
    """``name(first args)``: the path (two for openat, rename, link) or the fd."""
    args = re.split(r"\) += |\) = \?| <unfinished", rest)[0].split(", ")
    keep = 2 if name in ("openat", "rename", "link", "mkdirat", "unlinkat") else 1
    first = TEMP_RE.sub('/T.tmp"', ", ".join(args[:keep]))
    return f"{name}({first})"


def count_points(case: Path, cmd: Command, trace: Path) -> list[Point]:
    """Run ``cmd`` once under strace and list its state-changing calls in order."""
    prefix = ["strace", "-f", "-qq", "-o", str(trace), "-e", "trace=" + ",".join(TRACED)]
    r = run_cep(case, cmd.args, prefix=prefix)
    assert r.returncode == 0, f"{cmd.name} failed untraced: {r.stderr}"
    raw: list[tuple[str, str, int, str]] = []
    counts: dict[tuple[str, str], int] = {}
    fds: dict[str, str] = {"1": "stdout", "2": "stderr"}
    pids = set()
    for line in trace.read_text(errors="replace").replace(str(case), "CASE").splitlines():
        m = _LINE_RE.match(line)
        if not m:
            continue
        pid, name, rest = m.groups()
        pids.add(pid)
        counts[(pid, name)] = counts.get((pid, name), 0) + 1
        result = rest.rsplit(" = ", 1)[-1]
        if name in ("openat", "open") and result.isdigit():
            parts = rest.split(", ")
            fds[result] = TEMP_RE.sub('/T.tmp"', parts[1 if name == "openat" else 0]) + " " + \
                parts[2 if name == "openat" else 1].split(")")[0]
        if _state_changing(name, rest):
            fd = rest.split(",")[0].split(")")[0]
            target = fds.get(fd, "") if name in ("write", "fsync", "fdatasync", "pwrite64", "writev") else ""
            if name in ("openat", "open"):
                target = rest.split(", ")[2 if name == "openat" else 1].split(")")[0]
            raw.append((name, rest, counts[(pid, name)], target))
    assert len(pids) == 1, f"{cmd.name} ran {len(pids)} processes; the counts are per process"
    commit_at = _commit_index(raw, cmd)
    return [Point(name, n, _norm(name, rest), i, i > commit_at, i == commit_at, target in ("stdout", "stderr"),
                  target, rest.rsplit(" = ", 1)[-1].startswith("-1"))
            for i, (name, rest, n, target) in enumerate(raw)]


def _commit_index(raw: list[tuple[str, str, int, str]], cmd: Command) -> int:
    """The call that puts the new file in place: the last rename/link into the ledgers
    folder (or, for the cache, anywhere)."""
    where = "/ledgers/" if not cmd.cache_only else "/cache/"
    found = [i for i, (name, rest, _n, _t) in enumerate(raw)
             if name in ("rename", "renameat", "renameat2", "link", "linkat") and where in rest]
    if not found:
        return len(raw)  # nothing replaced (the command wrote nothing): every call is "before"
    return found[-1]


# ----------------------------------------------------------------- one injected run


def inject(case: Path, cmd: Command, point: Point, action: str, trace: Path) -> subprocess.CompletedProcess:
    """Run ``cmd`` with ``action`` (``signal=KILL`` or ``error=E``) at exactly ``point``;
    check from strace's own trace that the injected call is the expected one."""
    prefix = ["strace", "-f", "-qq", "-o", str(trace), "-e", f"trace={point.syscall}",
              "-e", f"inject={point.syscall}:{action}:when={point.ordinal}"]
    r = run_cep(case, cmd.args, prefix=prefix)
    lines = [ln for ln in trace.read_text(errors="replace").replace(str(case), "CASE").splitlines()
             if _LINE_RE.match(ln)]
    assert len(lines) >= point.ordinal, f"{cmd.name}: only {len(lines)} {point.syscall} calls this time"
    m = _LINE_RE.match(lines[point.ordinal - 1])
    assert m is not None
    hit = _norm(m.group(2), m.group(3))
    assert hit == point.call, f"{cmd.name} {point.label}: injected {hit}, expected {point.call}"
    return r


# ----------------------------------------------------------------- checks


@dataclass
class Outcome:
    command: str
    point: str
    call: str
    action: str
    state: str  # "old" or "new"
    exit_code: int
    note: str = ""


@dataclass
class Sweep:
    """The starting files of one command, its reference result and its kill points."""

    cmd: Command
    start: Path
    old: dict[str, bytes]
    new: dict[str, bytes]
    new_stdout: str
    points: list[Point]
    outcomes: list[Outcome] = field(default_factory=list)

    def state_of(self, case: Path) -> str:
        """"old" or "new": what the ledgers hold, exactly; anything else fails."""
        now = ledger_bytes(case)
        if now == self.old:
            return "old"
        if set(now) == set(self.new) and all(
                mask_new_ids(now[n], self.old.get(n, b"")) == mask_new_ids(self.new[n], self.old.get(n, b""))
                for n in now):
            return "new"
        changed = {n: now.get(n, b"")[-200:] for n in set(now) | set(self.old) if now.get(n) != self.old.get(n)}
        raise AssertionError(f"{self.cmd.name}: the ledgers hold neither the old nor the new bytes: {changed}")


def prepare(root: Path, cmd: Command) -> Sweep:
    start = make_start(root, cmd)
    old = ledger_bytes(start)
    ref = fresh_case(start)
    r = run_cep(ref, cmd.args)
    assert r.returncode == 0, f"{cmd.name}: {r.stderr}"
    new = ledger_bytes(ref)
    assert cmd.cache_only or new != old, f"{cmd.name} changed nothing"
    counted = fresh_case(start)
    points = count_points(counted, cmd, root / "count.trace")
    assert ledger_bytes(counted).keys() == new.keys()
    return Sweep(cmd, start, old, new, r.stdout, points)


def assert_parses(case: Path) -> None:
    from cepledger.ledger.load import load_member

    for name in visible(case / "ledgers"):
        assert name.endswith(".toml"), f"{name} is visible in the ledgers folder"
        load_member(case / "ledgers" / name)


def assert_cache_agrees(case: Path, runs: int = 1) -> None:
    """``summary`` from the report cache prints what it prints computed afresh."""
    args = ("summary", "--format", "json")
    fresh = run_cep(case, args, CEPLEDGER_NO_CACHE="1")
    for _ in range(runs):
        cached = run_cep(case, args)
        assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


def check_kill(sweep: Sweep, point: Point, case: Path) -> Outcome:
    cmd = sweep.cmd
    r = inject(case, cmd, point, "signal=KILL", case.parent / "inject.trace")
    assert r.returncode in (-9, 137), f"{cmd.name} {point.label}: not killed (exit {r.returncode}): {r.stderr}"
    state = sweep.state_of(case)
    if not point.after_commit and not point.commit:
        assert state == "old", f"{cmd.name} {point.label}: the change is there before its rename"
    note = ""
    gap = KNOWN_KILL_GAPS.get((cmd.name, point.label))
    if gap:
        from cepledger.model.errors import DataError

        try:
            assert_parses(case)
        except DataError as exc:
            assert gap[0] in str(exc), exc
            note = "KNOWN GAP: " + gap[1]
        else:
            raise AssertionError(f"{cmd.name} {point.label}: the known gap is gone; remove it from KNOWN_KILL_GAPS")
    else:
        assert_parses(case)
        assert_cache_agrees(case)
    if state == "old" and not cmd.cache_only:
        nxt = run_cep(case, cmd.args)  # the same command again: it must now succeed
        assert nxt.returncode == 0, f"{cmd.name} after a kill at {point.label}: {nxt.stderr}"
        assert sweep.state_of(case) == "new"
    else:
        nxt = run_cep(case, cmd.follow_up, member=cmd.member)
        if gap:  # refused too; the message's own fix (cp, then mv over) makes it work
            assert nxt.returncode == 3 and gap[0] in nxt.stderr, nxt.stderr
            ledger = case / "ledgers" / f"{cmd.member}.toml"
            shutil.copyfile(ledger, ledger.with_name(ledger.name + ".new"))
            os.replace(ledger.with_name(ledger.name + ".new"), ledger)
            nxt = run_cep(case, cmd.follow_up, member=cmd.member)
        assert nxt.returncode == 0, f"follow-up add after {cmd.name} {point.label}: {nxt.stderr}"
    assert temps(case / "ledgers") == [], f"{cmd.name} {point.label}: temp files left: {temps(case / 'ledgers')}"
    assert_parses(case)
    assert_cache_agrees(case)
    return Outcome(cmd.name, point.label, point.call, "KILL", state, r.returncode, note)


# Kill points after which a reader refuses the ledger until the next write of that member
# (which removes the crashed writer's temp file first): (command, call) -> (the refusal, why).
KNOWN_KILL_GAPS: dict[tuple[str, str], tuple[str, str]] = {}

# Calls whose failure is harmless by design: the command goes on and succeeds.
OPTIONAL_CALLS = (
    "/.cepledger/.gitignore",  # a courtesy for git users (write._ignore_in_git)
    "O_TMPFILE",  # filelock probing the folder; it falls back to a named lock file
)

# Known gaps the harness found, by (command, call label, errno): the assertion that
# fails, written down so the sweep stays green and shows them until they are fixed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _undo_warning(stderr: str) -> bool:
    """The one warning of a change the undo journal could not keep (``UndoNotRecorded``)."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return len(lines) == 1 and lines[0].startswith("warning: the change to ") and \
        lines[0].endswith("`cep undo` cannot take this command back.")


def _one_sentence(stderr: str) -> bool:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return (len(lines) == 1 and lines[0].startswith("error: ") and lines[0].rstrip().endswith(".")
            and "Traceback" not in stderr)


def check_failure(sweep: Sweep, point: Point, errname: str, case: Path) -> Outcome:
    cmd = sweep.cmd
    before = all_files(case)
    r = inject(case, cmd, point, f"error={errname}", case.parent / "inject.trace")
    state = sweep.state_of(case)
    out = Outcome(cmd.name, point.label, point.call, errname, state, r.returncode)
    optional = (cmd.cache_only or point.changed_nothing
                or any(s in point.call + " " + point.target for s in OPTIONAL_CALLS))
    gap = KNOWN_GAPS.get((cmd.name, point.label))
    if gap:
        assert r.returncode == 4 and state == "new", f"{cmd.name} {point.label}: the known gap is gone; " \
            "remove it from KNOWN_GAPS"
        out.note = "KNOWN GAP: " + gap
        return out
    if optional and r.returncode == 0:
        # after the replace, a failed call of the undo journal (even a mkdir of a folder
        # that exists) means the step is not kept: the command says so in one warning
        assert r.stderr == "" or (point.after_commit and _undo_warning(r.stderr)), \
            f"{cmd.name} {point.label} {errname}: {r.stderr}"
        if cmd.cache_only:
            assert r.stdout == sweep.new_stdout
        else:
            assert state == "new"
        out.note = "exit 0: an optional call, harmless"
    elif point.after_commit:
        assert state == "new", f"{cmd.name} {point.label} {errname}: the change is not there after its rename"
        assert r.returncode == 0 or (r.returncode == 4 and "was written" in r.stderr), \
            f"{cmd.name} {point.label} {errname}: exit {r.returncode}: {r.stderr}"
        if r.returncode == 4:
            assert _one_sentence(r.stderr), r.stderr
            out.note = "exit 4: the change was written, says so"
        else:
            out.note = "exit 0 after the replace (a later, optional step such as the undo journal)"
    else:
        assert r.returncode == 4, f"{cmd.name} {point.label} {errname}: exit {r.returncode}: {r.stderr}"
        assert _one_sentence(r.stderr), f"{cmd.name} {point.label} {errname}: {r.stderr!r}"
        assert state == "old"
        after = all_files(case)
        assert after == before, f"{cmd.name} {point.label} {errname}: files changed: " \
            f"{sorted(set(after.items()) ^ set(before.items()))}"
        out.note = "exit 4, files unchanged"
    left = temps(case / "ledgers")
    if left and point.after_commit:
        # member add: the ledger is linked in place, then removing the temp name failed; it
        # is cepledger's own (readers accept the twice-linked ledger) and the next write removes it
        nxt = run_cep(case, cmd.follow_up, member=cmd.member)
        assert nxt.returncode == 0, f"follow-up after {cmd.name} {point.label} {errname}: {nxt.stderr}"
        out.note += "; the temp name left behind is removed by the next write"
        left = temps(case / "ledgers")
    assert left == [], f"{cmd.name} {point.label} {errname}: temp files left: {left}"
    assert_parses(case)
    return out


# ----------------------------------------------------------------- choosing points


def error_points(points: list[Point]) -> list[Point]:
    """Failures are injected into the file system calls (not writes to stdout/stderr)."""
    return [p for p in points if not p.stdio]


def sample(points: list[Point], k: int, seed: str) -> list[Point]:
    """``k`` points: always the replace and the call before it, the rest at random (a
    seed per run, printed, so a failure can be replayed with ``CEP_CRASH_SEED``)."""
    if k >= len(points):
        return list(points)
    must = [p for p in points if p.commit or (p.index + 1 < len(points) and points[p.index + 1].commit)]
    rest = [p for p in points if p not in must]
    rng = random.Random(seed)
    chosen = must[:k] + rng.sample(rest, max(0, k - len(must)))
    return sorted(chosen, key=lambda p: p.index)


Check = Callable[[Sweep, Point, Path], Outcome]
