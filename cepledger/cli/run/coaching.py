"""``cep log MEMBER --activity coaching --format csv|md``: the coaching log of a CASC program."""

from __future__ import annotations

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import member_programs
from cepledger.model.errors import UsageError
from cepledger.model.records import Member


def write_coaching_log(env: Env, member: Member, activity: str | None, entries: list, fmt: str) -> int:
    """The meetings by program year, with the weeks they count and each year's totals."""
    from cepledger.calc.coaching import COACHING_ACTIVITY, coaching_log

    if activity != COACHING_ACTIVITY:
        raise UsageError(f"--format md of `cep log` is the coaching log: give --activity {COACHING_ACTIVITY} "
                         "(for other entries use --format table, json or csv)")
    programs = [p for p in member_programs(env, member) if activity in p.activities]
    program = next((p for p in programs if p.period.kind == "program"), programs[0] if programs else None)
    years = coaching_log(member, program, entries)
    if fmt == "csv":
        from cepledger.render.coaching_log import write_coaching_csv

        write_coaching_csv(years, env.out)
    else:
        from cepledger.render.coaching_log import coaching_markdown

        env.out.write(coaching_markdown(member, activity, years))
    return 0
