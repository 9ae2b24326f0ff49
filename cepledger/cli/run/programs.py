"""``cep check`` and ``cep programs``: the rule files and the ledgers, validated and shown."""

from __future__ import annotations

from cepledger.cli.env import Env
from cepledger.cli.run.formats import check_format
from cepledger.render import plain as render


def run_check(env: Env, strict: bool = False, fmt: str = "table") -> int:
    """Every problem in every ledger and rule file; exit 3 on an error (with ``strict``, a warning)."""
    from cepledger.check import check_ledgers
    from cepledger.ledger import files as ledger_files
    from cepledger.render.progress import Progress
    from cepledger.rules.load import PACKAGE_PROGRAMS, load_registry

    check_format(fmt)
    registry = load_registry([env.ledgers / "programs"], strict=False)
    with Progress(env.err, len(ledger_files.member_files(env.ledgers)), "checking") as bar:
        problems = check_ledgers(env.ledgers, registry, today=env.today, progress=lambda _path: bar.tick())
    problems.sort(key=lambda p: (p.path, p.line))
    n_files = (len(ledger_files.member_files(env.ledgers)) + len(list(PACKAGE_PROGRAMS.glob("*.toml")))
               + (len(list((env.ledgers / "programs").glob("*.toml"))) if (env.ledgers / "programs").is_dir() else 0))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if fmt == "json":
        render.write_json([render.problem_json(p) for p in problems], env.out)
    elif fmt == "csv":
        render.write_csv(render.PROBLEM_FIELDS, [render.problem_row(p) for p in problems], env.out)
    else:
        _write_problems(env.out, problems)
    summary = f"{n_files} files checked, " + (
        "no problems" if not problems else f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    (env.err if fmt != "table" else env.out).write(summary + "\n")
    return 3 if errors or (strict and warnings) else 0


def _write_problems(out, problems: list) -> None:
    """``path:line: message [code]``, a blank line between files."""
    last = None
    for p in problems:
        if p.path != last and last is not None:
            out.write("\n")
        last = p.path
        out.write(f"{render.problem_line(p)} [{p.code}]\n")
    if problems:
        out.write("\n")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_programs(env: Env, program: str | None = None, fmt: str = "table") -> int:
    """The programs one can enrol in, or one program's activities, caps and requirements."""
    check_format(fmt)
    registry = env.registry()
    if program is None:
        progs = [registry.programs[pid] for pid in registry.enrollable()]
        if fmt == "json":
            render.write_json([render.program_summary_json(p) for p in progs], env.out)
        elif fmt == "csv":
            render.write_csv(render.PROGRAM_CSV_HEADER, [render.program_row(p) for p in progs], env.out)
        else:
            from cepledger.render.tables import programs_table

            programs_table(env.console(), progs)
        return 0
    prog = registry.get(program)
    if fmt == "json":
        render.write_json(render.program_detail_json(prog), env.out)
    elif fmt == "csv":
        render.write_csv(render.ACTIVITY_CSV_HEADER, render.activity_rows(prog), env.out)
    else:
        from cepledger.render.tables import program_view

        program_view(env.console(), prog)
    return 0
