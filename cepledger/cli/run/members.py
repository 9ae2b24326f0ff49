"""``cep init`` and ``cep member add|enrol|list``: the ledgers folder and the members in it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import load_all_members, load_member, report_problems
from cepledger.cli.run.formats import check_format
from cepledger.model.errors import UsageError
from cepledger.render import plain as render


def run_init(env: Env, directory: str | None) -> int:
    """Create the ledgers folder and its ``programs/``; touch nothing that exists."""
    folder = Path(directory) if directory else env.ledgers
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder; choose another path")
    created = []
    for path in (folder, folder / "programs"):
        if not path.exists():
            try:
                path.mkdir(parents=True)
            except OSError as exc:
                from cepledger.model.errors import WriteError

                raise WriteError(f"cannot create {path}: {exc.strerror}") from None
            created.append(path)
    if created:
        env.out.write(f"created {', '.join(f'{p}/' for p in created)}\n")
        env.out.write(f"next: cep --ledgers {folder} member add ID --name NAME --program PROGRAM --since DATE\n")
    else:
        env.out.write(f"{folder}/ already exists; nothing changed\n")
    return 0


def run_member_add(env: Env, member_id: str, name: str, program: str, since: str,
                   employed_since: str | None, date_format: str | None = None) -> int:
    """Create ``<ledgers>/<member_id>.toml``, enrolled in ``program`` since ``since``."""
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import write as ledger_write
    from cepledger.model.dates import parse_date
    from cepledger.model.ids import validate_member_id

    member_id = validate_member_id(member_id)
    prog = env.registry().get(program)
    since_d = parse_date(since, env.today, date_format)
    employed_d = parse_date(employed_since, env.today, date_format) if employed_since else None
    if not name.strip():
        raise UsageError("--name is empty; give the member's name, e.g. --name 'Jane Doe'")
    _ledgers_exist(env)
    path = ledger_files.ledger_path(env.ledgers, member_id)
    if path.exists():
        raise UsageError(f"member '{member_id}' already exists ({path}); "
                         f"to add a program use `cep member enrol {member_id} PROGRAM --since DATE`")
    ledger_write.create_member(path, member_id, name.strip(), prog.id, since_d, employed_d)
    env.out.write(f"created {path}: {name.strip()} in {prog.id} since {since_d}\n")
    _note_employed_since(env, prog, employed_d)
    return 0


def run_member_enrol(env: Env, member_id: str, program: str, since: str, employed_since: str | None,
                     date_format: str | None = None) -> int:
    """Add a ``[programs.<program>]`` table to the member's ledger."""
    from cepledger.ledger import write as ledger_write
    from cepledger.model.dates import parse_date

    path, member = load_member(env, member_id, validate=False)  # enrolling may mend it
    prog = env.registry().get(program)
    if member.enrolment(prog.id) is not None:
        raise UsageError(f"{member.id} is already enrolled in {prog.id} (since {member.enrolment(prog.id).since})")
    since_d = parse_date(since, env.today, date_format)
    employed_d = parse_date(employed_since, env.today, date_format) if employed_since else None
    ledger_write.add_enrolment(path, prog.id, since_d, employed_d)
    env.out.write(f"enrolled {member.id} in {prog.id} since {since_d}\n")
    _note_employed_since(env, prog, employed_d)
    return 0


def _note_employed_since(env: Env, prog, employed: date | None) -> None:
    if employed is None and any(r.kind == "deadline" for r in prog.requirements):
        env.err.write(f"note: {prog.id} checks the enrolment date against the first day as an administrator; "
                      "without --employed-since that requirement shows as not met\n")


def _ledgers_exist(env: Env) -> None:
    if not env.ledgers.is_dir():
        raise UsageError(f"the ledgers folder {env.ledgers} does not exist; create it with `cep init {env.ledgers}` "
                         "or point --ledgers / CEPLEDGER_DIR at an existing one")


def run_member_list(env: Env, fmt: str) -> int:
    """Every member: id, name, programs (exit 3 when a ledger does not load, after listing the others)."""
    check_format(fmt)
    members, problems = load_all_members(env)
    if fmt == "json":
        render.write_json([render.member_json(m) for m in members], env.out)
    elif fmt == "csv":
        render.write_csv(render.MEMBER_CSV_HEADER, [render.member_row(m) for m in members], env.out)
    else:
        from cepledger.render.tables import members_table

        members_table(env.console(), members)
    return report_problems(env, problems)
