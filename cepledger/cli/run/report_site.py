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
    """Every member's page and the index into ``folder``; the exit code.

    Many ledgers are read and their pages rendered by several processes, as ``summary``
    reads them (``cli/run/reports.each_ledger``, ``CEPLEDGER_JOBS``); each sends back the
    page's text and the index rows without the entries, and the pages are written here,
    in ledger order."""
    from cepledger.calc.roster import roster
    from cepledger.cli.run.report import write_shared_file
    from cepledger.cli.run.reports import each_ledger
    from cepledger.ledger import files as ledger_files
    from cepledger.render.progress import Progress
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
    pairs, written = [], set()
    paths = ledger_files.member_files(env.ledgers)
    with Progress(env.err, len(paths), "report") as bar:
        for member_id, page, member_pairs, found, warning in each_ledger(env, paths, _page, year_n, {}):
            bar.tick()
            problems.extend(found)
            env.err.write(warning)
            if page is None:
                continue
            write_shared_file(folder / member_page_path(member_id), page)
            written.add(f"{member_id}.html")
            pairs += member_pairs
    _remove_stale(pages, written)
    rows = roster(pairs, env.today)
    write_shared_file(folder / "index.html", index_html(rows, env.today))
    env.out.write(f"wrote {folder / 'index.html'} and {len(written)} member pages ({len(rows)} programs)\n")
    return report_problems(env, problems, 0)


def _page(env: Env, path: Path, year: int | None, digests: dict) -> tuple:
    """``(member id, page or None, index pairs, problems, warning)`` of one ledger; the
    index needs neither the entries nor their results. ``digests``: the rule files' digests
    found so far (in a worker, so far in its share of the ledgers)."""
    from cepledger.cli.run.report import member_report
    from cepledger.ledger import load as ledger_load
    from cepledger.render.report_html import render_html

    try:
        member = ledger_load.load_member(path)
        report = member_report(env, path, member, year, rule_digests=digests)
    except DataError as exc:
        return "", None, [], exc.problems, ""
    except UsageError as exc:  # a member in no program: no page, said on stderr
        return "", None, [], [], f"warning: {path}: {exc}\n"
    slim = member._replace(entries=())
    pairs = [(slim, sec.result._replace(entries=())) for sec in report.programs]
    return member.id, render_html(report, back="../index.html"), pairs, [], ""


def _remove_stale(pages: Path, written: set[str]) -> None:
    """Pages of members who are gone (only ``*.html`` files directly in ``members/``)."""
    for old in pages.glob("*.html"):
        if old.name not in written and old.is_file() and not old.is_symlink():
            old.unlink()
