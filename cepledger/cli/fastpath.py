"""The no-Typer fast path for ``status``, ``summary`` and ``log`` with ``--format json|csv``.

Scripts call these reports often, so they skip Typer (~100 ms of imports) and reuse
the exact output of an earlier identical run on identical inputs (``cache.py``).

The fast path only ever handles a command line it understands completely and a run
that succeeds: anything else (``--help``, an unknown or repeated option, a completion
request, a bad value, any error raised by the command) returns None and ``__main__``
hands the same arguments to the Typer app, which then prints exactly what it always
did. ``tests/test_fastpath.py`` checks the output is byte-identical to the Typer path.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
from datetime import date
from pathlib import Path

from typing import Any

# command -> {option spelling: (name, takes a value)}
_COMMON = {"--year": ("year", True), "-y": ("year", True), "--format": ("fmt", True), "-f": ("fmt", True),
           "--check": ("check", False)}
_COMMANDS: dict[str, tuple[bool, dict[str, tuple[str, bool]]]] = {  # (takes MEMBER, options)
    "status": (True, {**_COMMON, "--program": ("program", True), "-p": ("program", True),
                      "--as-of": ("as_of", True)}),
    "summary": (False, {**_COMMON, "--program": ("program", True), "-p": ("program", True)}),
    "log": (True, {"--year": ("year", True), "-y": ("year", True), "--format": ("fmt", True),
                   "-f": ("fmt", True), "--activity": ("activity", True), "-a": ("activity", True)}),
}
_FORMATS = ("json", "csv")


def parse(argv: list[str]) -> tuple[str | None, str, dict[str, Any]] | None:
    """``(ledgers option, command, options)`` when the fast path understands ``argv``, else None."""
    ledgers: str | None = None
    i, n = 0, len(argv)
    while i < n and argv[i].startswith("-"):
        arg = argv[i]
        if arg == "--debug":
            i += 1
        elif arg == "--ledgers" and i + 1 < n and ledgers is None:
            ledgers = argv[i + 1]
            i += 2
        elif arg.startswith("--ledgers=") and ledgers is None:
            ledgers = arg[len("--ledgers="):]
            i += 1
        else:
            return None
        if ledgers is not None and (not ledgers or ledgers.startswith("-")):
            return None
    if i >= n or argv[i] not in _COMMANDS:
        return None
    command = argv[i]
    takes_member, spec = _COMMANDS[command]
    opts: dict[str, Any] = {}
    positional: list[str] = []
    i += 1
    while i < n:
        arg = argv[i]
        if arg.startswith("-"):
            value = None
            if arg.startswith("--") and "=" in arg:
                arg, value = arg.split("=", 1)
            if arg not in spec:
                return None
            name, has_value = spec[arg]
            if name in opts:
                return None  # repeated: let Click decide
            if has_value:
                if value is None:
                    if i + 1 >= n:
                        return None
                    value = argv[i + 1]
                    i += 1
                if not value or value.startswith("-"):
                    return None
                opts[name] = value
            else:
                if value is not None:
                    return None
                opts[name] = True
        else:
            positional.append(arg)
        i += 1
    if len(positional) != (1 if takes_member else 0):
        return None
    if opts.get("fmt") not in _FORMATS:
        return None
    if takes_member:
        opts["member"] = positional[0]
    return ledgers, command, opts


def _ledgers_from(option: str | None) -> Path:
    """``commands.ledgers_from`` without importing ``commands`` (a test keeps them equal)."""
    if option:
        return Path(option)
    return Path(os.environ.get("CEPLEDGER_DIR") or "ledgers")


def _today() -> date:
    """``commands.today_from_env``; a bad ``$CEPLEDGER_TODAY`` raises (Typer reports it)."""
    text = os.environ.get("CEPLEDGER_TODAY", "").strip()
    return date.today() if not text else date.fromisoformat(text)


_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def _file_bytes(path: str, stamps: list) -> bytes:
    """The bytes of a regular file, or a marker for anything else (never blocks on a FIFO).

    Appends the file's identity (size, mtime, ctime, inode) to ``stamps``: compared
    after the run, it shows the file was not rewritten while the report was computed
    (any write changes the ctime, which no one can set back).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        stamps.append((path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
        if not stat.S_ISREG(st.st_mode):
            return f"<not a file {st.st_mode}>".encode()
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 22)
            if not chunk:
                break
            chunks.append(chunk)
        return f"{st.st_nlink}|".encode() + b"".join(chunks)
    finally:
        os.close(fd)


def _listing(folder: str, programs: bool = False) -> list[str]:
    if programs:
        return sorted(n for n in os.listdir(folder) if n.endswith(".toml"))
    # A superset of store.member_files (which also checks reserved names); hidden
    # names (.cepledger/, temp files) never count.
    return sorted(n for n in os.listdir(folder) if n.endswith(".toml") and _NAME_RE.fullmatch(n[:-5]))


def _inputs(ledgers: str, command: str, opts: dict[str, Any]) -> tuple[bytes, list] | None:
    """Digest of every byte the report can depend on (besides the code), and the
    identities of what was read (``_unchanged`` compares them after the run), or None."""
    from cepledger import cache

    parts: list[bytes] = []
    stamps: list = []
    try:
        if command == "summary":
            names = _listing(ledgers)
            stamps.append(("listing", names))
            parts.append("\0".join(names).encode("utf-8", "surrogateescape"))
            for name in names:
                parts.append(_file_bytes(os.path.join(ledgers, name), stamps))
        else:
            member = opts["member"]
            if not _NAME_RE.fullmatch(member):
                return None
            parts.append(_file_bytes(os.path.join(ledgers, member + ".toml"), stamps))
        programs = os.path.join(ledgers, "programs")
        if os.path.isdir(programs):
            names = _listing(programs, programs=True)
            stamps.append(("programs", names))
            parts.append(b"programs\0" + "\0".join(names).encode("utf-8", "surrogateescape"))
            for name in names:
                parts.append(_file_bytes(os.path.join(programs, name), stamps))
        else:
            stamps.append(("programs", None))
            parts.append(b"no programs")
    except (OSError, ValueError):
        return None
    return cache.digest(*parts), stamps


def _unchanged(ledgers: str, stamps: list) -> bool:
    """True when every file and listing read for the key is still as it was."""
    try:
        for item in stamps:
            if item[0] == "listing":
                if _listing(ledgers) != item[1]:
                    return False
            elif item[0] == "programs":
                programs = os.path.join(ledgers, "programs")
                now = _listing(programs, programs=True) if os.path.isdir(programs) else None
                if now != item[1]:
                    return False
            else:
                st = os.stat(item[0], follow_symlinks=False)
                if (item[0], st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev) != item:
                    return False
    except OSError:
        return False
    return True


def run(argv: list[str]) -> int | None:
    """Run ``argv`` on the fast path and return its exit code, or None to fall through."""
    if any(k.startswith("_CEP") and k.endswith("_COMPLETE") for k in os.environ):
        return None
    parsed = parse(argv)
    if parsed is None:
        return None
    ledgers_opt, command, opts = parsed
    try:
        from cepledger import cache

        if ledgers_opt is not None and os.path.exists(ledgers_opt) and not os.path.isdir(ledgers_opt):
            return None  # Click's "Directory ... is a file."
        ledgers = _ledgers_from(ledgers_opt)
        today = _today()
    except Exception:  # noqa: BLE001 - Typer will report it
        return None

    use_cache = cache.enabled()
    query = inputs = None
    if use_cache:
        query = cache.digest(b"report", command.encode(), "\0".join(argv).encode("utf-8", "surrogateescape"),
                             os.getcwd().encode("utf-8", "surrogateescape"),
                             os.fspath(ledgers).encode("utf-8", "surrogateescape"), today.isoformat().encode())
        found = _inputs(os.fspath(ledgers), command, opts)
        if found is not None:
            inputs, stamps = found
            hit = cache.get_report(ledgers, query, inputs)
            if hit is not None:
                return _emit(hit[1], "", hit[0])

    try:
        from cepledger.cli.commands import Env, run_log, run_status, run_summary
    except Exception:  # noqa: BLE001
        return None
    out, err = io.StringIO(), io.StringIO()
    env = Env(ledgers=ledgers, today=today, out=out, err=err)
    try:
        if command == "status":
            code = run_status(env, opts["member"], opts.get("year"), opts.get("program"), opts.get("as_of"),
                              bool(opts.get("check")), opts["fmt"])
        elif command == "summary":
            code = run_summary(env, opts.get("year"), opts.get("program"), bool(opts.get("check")), opts["fmt"])
        else:
            code = run_log(env, opts["member"], opts.get("year"), opts.get("activity"), opts["fmt"])
    except Exception:  # noqa: BLE001 - Typer runs it again and reports the error its own way
        return None
    text, errors = out.getvalue(), err.getvalue()
    if (use_cache and inputs is not None and code in (0, 1) and not errors
            and _unchanged(os.fspath(ledgers), stamps)):  # nothing was rewritten while we ran
        cache.put_report(ledgers, query, inputs, code, text)
    return _emit(text, errors, code)


def _emit(text: str, errors: str, code: int) -> int:
    try:
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:  # `cep status x --format csv | head`: leave quietly, as Click does
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 1
    if errors:
        sys.stderr.write(errors)
        sys.stderr.flush()
    return code
