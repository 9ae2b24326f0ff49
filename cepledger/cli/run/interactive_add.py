"""``cep add`` on a terminal: ask for what was left out (member, activity, amount, date, course).

``ask(prompt, default) -> str`` and ``say(text)`` talk to the terminal; the CLI calls this
only when stdin and stdout are terminals. A wrong answer is asked again, with the choices.
"""

from __future__ import annotations

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import load_member, member_programs
from cepledger.cli.suggest import choices_hint
from cepledger.model.errors import UsageError


def run_add_interactive(env: Env, member_id: str | None, activity: str | None, amount: str | None, *,
                        ask, say, when: str | None = None, **options) -> int:
    """Ask for the missing arguments, then ``run_add`` with them."""
    from cepledger.cli.run.entries import run_add

    member_id, activity, amount, when = fill_add_arguments(env, member_id, activity, amount, when, ask, say,
                                                           date_format=options.get("date_format"))
    if options.get("course") is None:
        options["course"] = _ask_course(env, member_id, activity, ask, say)
    return run_add(env, member_id, activity, amount, when=when, **options)


def fill_add_arguments(env: Env, member_id: str | None, activity: str | None, amount: str | None,
                       when: str | None, ask, say, date_format: str | None = None
                       ) -> tuple[str, str, str | None, str | None]:
    """Ask for what ``cep add`` was not given: member, activity (with its caps), amount, date."""
    asked = member_id is None or activity is None
    if member_id is None:
        member_id = _ask_member(env, ask, say)
    _, member = load_member(env, member_id, warn=False)
    programs = member_programs(env, member)
    known: dict[str, object] = {}
    for prog in programs:
        for a in prog.activities.values():
            known.setdefault(a.id, a)
    if activity is None:
        activity = _ask_activity(known, ask, say)
    chosen = known.get(activity)
    if amount is None and chosen is not None and chosen.amount == "hours":
        asked = True
        unit = "credits" if programs and programs[0].unit == "credits" else "hours"
        amount = _ask_until_valid(unit, None, _check_amount, ask, say)
    if when is None and asked:  # the date is asked with the rest, never alone
        when = _ask_until_valid("date", env.today.isoformat(), lambda text: _check_date(text, env, date_format),
                                ask, say)
    return member_id, activity, amount, when


def _ask_member(env: Env, ask, say) -> str:
    from cepledger.cli.complete import complete_members

    members = complete_members(env.ledgers, "")
    if not members:
        raise UsageError(f"no members in {env.ledgers}; add one with `cep member add`")
    say("members: " + ", ".join(members))
    member_id = None
    while member_id not in members:
        if member_id is not None:
            say(choices_hint(member_id, members))
        member_id = ask("member", members[0] if len(members) == 1 else None).strip()
    return member_id


def _ask_activity(known: dict, ask, say) -> str:
    from cepledger.render.words import cap_words

    for a in known.values():
        say(f"  {a.id:<28} {(a.code + ' ') if a.code else ''}{cap_words(a)}")
    activity = None
    while activity not in known:
        if activity is not None:
            say(choices_hint(activity, sorted(known)))
        activity = ask("activity", None).strip()
    return activity


def _ask_until_valid(prompt: str, default: str | None, check, ask, say) -> str:
    """Ask until ``check(answer)`` raises no UsageError; each refusal is said."""
    while True:
        answer = ask(prompt, default).strip()
        try:
            check(answer)
            return answer
        except UsageError as exc:
            say(str(exc))


def _check_amount(text: str) -> None:
    from cepledger.model.amounts import parse_amount

    parse_amount(text)


def _check_date(text: str, env: Env, date_format: str | None = None) -> None:
    from cepledger.model.dates import entry_date

    entry_date(text, env.today, date_format)  # never in the future


def _ask_course(env: Env, member_id: str, activity: str, ask, say) -> str | None:
    """An activity with a course catalogue (``cep-course``) needs a course: list them and ask."""
    _, member = load_member(env, member_id, validate=False)  # validated by fill_add_arguments
    for prog in member_programs(env, member):
        a = prog.activities.get(activity)
        if a is not None and a.catalogue and "course" in a.requires:
            cat = prog.catalogues.get(a.catalogue, {})
            for number, slug in cat.items():
                say(f"  {number:>3} {slug}")
            while True:
                answer = ask("course (number or name)", None).strip()
                if prog.resolve_course(answer, a.catalogue) is not None:
                    return answer
                say(f"unknown course '{answer}'; give one of the numbers or names above")
    return None
