"""``cep report --all -o DIR``: every member's report page and the roster's index.

Writes ``DIR/index.html`` and ``DIR/members/<id>.html`` (each replaced atomically),
and removes pages under ``DIR/members/`` of members no longer in the ledgers folder.
A ledger that does not load is reported on stderr (exit 3, as ``summary`` does) and the
others are still written. A progress bar is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

from pathlib import Path

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import parse_year_option, report_problems
from cepledger.model.errors import DataError, Problem, UsageError, WriteError


def run_report_all(env: Env, year: str | None, folder: Path) -> int:
    """Every member's page and the index into ``folder``; the exit code."""
    from cepledger.calc.roster import roster
    from cepledger.cli.run.report import member_report, write_shared_file
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load
    from cepledger.render.progress import track
    from cepledger.render.report_html import render_html
    from cepledger.render.site import index_html, member_page_path

    year_n = parse_year_option(year)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: --all writes a folder, give -o DIR")
    pages = folder / "members"
    try:
        pages.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create {pages}: {exc.strerror}; check the folder is writable") from None
    problems: list[Problem] = []
    pairs, written, digests = [], set(), {}
    for path in track(ledger_files.member_files(env.ledgers), env.err, "report"):
        try:
            member = ledger_load.load_member(path)
            report = member_report(env, path, member, year_n, rule_digests=digests)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        except UsageError as exc:  # a member in no program: no page, said on stderr
            env.err.write(f"warning: {path}: {exc}\n")
            continue
        write_shared_file(folder / member_page_path(member.id), render_html(report, back="../index.html"))
        written.add(f"{member.id}.html")
        pairs += [(member, sec.result) for sec in report.programs]
    _remove_stale(pages, written)
    rows = roster(pairs, env.today)
    write_shared_file(folder / "index.html", index_html(rows, env.today))
    env.out.write(f"wrote {folder / 'index.html'} and {len(written)} member pages ({len(rows)} programs)\n")
    return report_problems(env, problems, 0)


def _remove_stale(pages: Path, written: set[str]) -> None:
    """Pages of members who are gone (only ``*.html`` files directly in ``members/``)."""
    for old in pages.glob("*.html"):
        if old.name not in written and old.is_file() and not old.is_symlink():
            old.unlink()
