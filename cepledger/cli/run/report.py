"""``cep report``: the audit report of one member (Markdown on stdout, or a file), or of
every member as a static folder (``--all -o DIR``).

This is where the report's files are read and written: the ledger's and rule files'
SHA-256, the evidence checks, and the atomic write of each output file. What the
report shows is ``calc.report``; how it looks is ``render.report_*`` and ``render.site``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import load_member, member_programs, parse_program_year_option, parse_year_option
from cepledger.model.errors import UsageError
from cepledger.model.records import Member

MD_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")


def run_report(env: Env, member_id: str | None, year: str | None = None, output: str | None = None,
               all_members: bool = False, program_year: str | None = None) -> int:
    """One member's report to ``output`` (.html or .md) or as Markdown on stdout; with
    ``all_members``, every member's page and an index into the folder ``output``."""
    if all_members:
        if member_id is not None:
            raise UsageError("give either a MEMBER or --all, not both")
        if output is None:
            raise UsageError("--all writes a folder: give it with -o DIR, for example -o site/")
        from cepledger.cli.run.report_site import run_report_all

        if program_year is not None:
            raise UsageError("--program-year is for one member's report; the site shows each member's "
                             "year in effect (or --year Y)")
        return run_report_all(env, year, Path(output))
    if member_id is None:
        raise UsageError("name a MEMBER (see `cep member list`), or give --all -o DIR for every member")
    suffix = Path(output).suffix.lower() if output is not None else ".md"
    if suffix not in MD_SUFFIXES + HTML_SUFFIXES:
        raise UsageError(f"cannot tell the format of '{output}': name the file .html or .md")
    path, member = load_member(env, member_id)
    report = member_report(env, path, member, parse_year_option(year),
                           program_year=parse_program_year_option(program_year))
    from cepledger.render.report import render_html, render_markdown

    text = render_markdown(report) if suffix in MD_SUFFIXES else render_html(report)
    if output is None:
        env.out.write(text)
        return 0
    write_shared_file(Path(output), text)
    env.out.write(f"wrote {output}: {member.id} {report.year_label}, {len(report.evidence)} evidence files, "
                  f"{len(report.reflections)} reflections\n")
    return 0


def member_report(env: Env, path: Path, member: Member, year: int | None, *, rule_digests: dict | None = None,
                  evidence: bool = True, program_year: int | None = None):
    """The ``calc.report.Report`` of one member, with the digests of its files."""
    from cepledger import __version__
    from cepledger.calc.report import build_report
    from cepledger.ledger.evidence import verify_member

    programs = member_programs(env, member)
    if not programs:
        raise UsageError(f"{member.id} is in no program; enrol them with `cep member enrol`")
    from cepledger.calc.views import check_program_year

    check_program_year(programs, member, year, program_year)
    digests = rule_digests if rule_digests is not None else {}
    files = [file_digest("ledger", path, path.read_bytes())]
    for prog in programs:
        files += rule_files(env, prog, digests)
    checks = verify_member(member, env.ledgers) if evidence else []
    return build_report(member, programs, year, checks, env.today, files=_unique(files), version=__version__,
                        program_year=program_year)


def file_digest(what: str, path: Path | str, data: bytes, version: str = ""):
    from cepledger.calc.report import FileDigest

    return FileDigest(what, str(path), hashlib.sha256(data).hexdigest(), version)


def rule_files(env: Env, prog, cache: dict) -> list:
    """The digests of a program's rule file and of every file it ``extends``, child first:
    of the bytes the registry read and validated (``Program.source``)."""
    from cepledger.rules.fields import FORMAT_VERSION

    out = []
    registry = env.registry()
    seen = set()
    while prog is not None and prog.id not in seen:
        seen.add(prog.id)
        if prog.id not in cache:
            cache[prog.id] = file_digest(prog.id, prog.path, prog.source, f"format {FORMAT_VERSION}")
        out.append(cache[prog.id])
        prog = registry.programs.get(prog.extends) if prog.extends else None
    return out


def _unique(files: list) -> list:
    seen, out = set(), []
    for f in files:
        if (f.what, f.path) not in seen:
            seen.add((f.what, f.path))
            out.append(f)
    return out


def write_shared_file(target: Path, text: str) -> None:
    """Replace ``target`` atomically with ``text``, as an ordinary file to share (umask applied)."""
    import os
    import tempfile

    from cepledger.model.errors import WriteError

    folder = target.parent if str(target.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cep-report-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # an ordinary file to share, not mkstemp's private 0600
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise WriteError(f"cannot write {target}: {exc.strerror}; check the folder exists and is writable") from None


def _umask() -> int:
    import os

    umask = os.umask(0)
    os.umask(umask)
    return umask


