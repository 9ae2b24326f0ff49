"""``cep amend``: correct an entry without hand-editing; and how commands name an entry.

An entry is named by its id or, for a hand-written entry without one, by the line of its
``[[entries]]`` header (``L17``). ``amend`` voids the old entry (``void = "amended by
NEW-ID"``) and appends a corrected copy with ``replaces = "OLD-ID"`` in one write, then
prints what the old entry counted and what the new one counts.
"""

from __future__ import annotations

from typing import Sequence

from cepledger.cli.env import Env
from cepledger.cli.run import entry_fields
from cepledger.cli.run.evaluation import load_member, member_programs
from cepledger.cli.suggest import did_you_mean
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member
from cepledger.render import plain as render

# the Entry fields an amend can change, compared to tell "changes nothing"
COMPARED = ("date", "hours", "course", "title", "item", "with_", "cpsel", "ratings", "evidence", "notes")


def resolve_entry(member: Member, ref: str) -> Entry:
    """The one entry ``ref`` (an id, or ``L17``: the line of its header) names; a
    ``UsageError`` with a did-you-mean otherwise."""
    from cepledger.ledger.edit import find_entries, line_ref

    found = find_entries(member, ref)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise UsageError(f"the entry id '{ref}' is used {len(found)} times in {member.id}'s ledger; "
                         f"name one by the line of its [[entries]] header instead (L{found[0].source.line})")
    line = line_ref(ref)
    if line is not None:
        lines = ", ".join(f"L{e.source.line}" for e in member.entries if e.id is None) or "none"
        raise UsageError(f"no [[entries]] table starts on line {line} of {member.id}'s ledger "
                         f"(entries without an id: {lines}); `cep log {member.id}` lists every entry")
    choices = [e.id for e in member.entries if e.id]
    hint = did_you_mean(ref, choices, cutoff=0.5)
    raise UsageError(f"no entry '{ref}' in {member.id}'s ledger; {hint}`cep log {member.id}` lists the entry ids")


def counted_by_program(member: Member, programs: Sequence, entry: Entry) -> dict[str, object]:
    """What ``entry`` counts in each program whose period holds it (0 when void)."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import program_period, reporting_year

    out: dict[str, object] = {}
    for prog in programs:
        if entry.activity not in prog.activities:
            continue
        enrolment = member.enrolment(prog.id)
        period = program_period(prog.period, enrolment, reporting_year(entry.date, prog.period.start_month))
        if period is None or not period.contains(entry.date):
            out[prog.id] = 0
            continue
        pr = evaluate_program(member, prog, period)
        r = next((r for r in pr.entries if r.entry.index == entry.index), None)
        out[prog.id] = 0 if r is None or entry.is_void else r.counted
    return out


def run_amend(env: Env, member_id: str, entry_ref: str, amount: str | None = None, *, when: str | None = None,
              title: str | None = None, item: str | None = None, course: str | None = None,
              cpsel: Sequence[str] = (), ratings: Sequence[str] = (), evidence: str | None = None,
              notes: str | None = None, with_: str | None = None) -> int:
    """Void the entry and append its corrected copy; print old and new counted amounts."""
    from cepledger.cli.run.entries import _revalidator, effect_lines
    from cepledger.ledger import corrections
    from cepledger.ledger import load as ledger_load

    path, member = load_member(env, member_id)
    old = resolve_entry(member, entry_ref)
    if old.is_void:
        raise UsageError(f"entry {old.id or entry_ref} is void ({old.void}); only an entry that counts can be amended")
    given = (amount, when, title, item, course, evidence, notes, with_)
    if all(v is None for v in given) and not cpsel and not ratings:
        raise UsageError("nothing to amend: give what to correct, e.g. an amount, --date, --title or --item")
    programs = member_programs(env, member)
    fields = _corrected_fields(env, member, programs, old, amount, when=when, title=title, item=item,
                               course=course, cpsel=cpsel, ratings=ratings, evidence=evidence, notes=notes,
                               with_=with_)
    _refuse_no_change(old, fields, entry_ref)
    before = counted_by_program(member, programs, old)
    ref = old.id or f"L{old.source.line}"
    voided, new = corrections.amend_entry(path, ref, fields, validate=_revalidator(env, [fields]))
    fresh = ledger_load.load_member(path)
    programs = member_programs(env, fresh)
    after = counted_by_program(fresh, programs, new)
    env.out.write(_amend_line(voided, new, before, after) + "\n")
    for line in effect_lines(fresh, programs, new, verb="added"):
        env.out.write(line + "\n")
    return 0


def _corrected_fields(env: Env, member: Member, programs, old: Entry, amount: str | None, *, when, title, item,
                      course, cpsel, ratings, evidence, notes, with_) -> dict:
    """The corrected copy: the old entry's values with the given ones in their place,
    checked like ``cep add`` checks a new entry."""
    def keep(new, current):
        return new if new is not None else current

    old_amount = None if old.hours is None else render.num_text(old.hours)
    fields = entry_fields.build_entry(
        member, programs, old.activity, keep(amount, old_amount), today=env.today, ledgers=env.ledgers,
        registry=env.registry(), when=keep(when, old.date.isoformat()), title=keep(title, old.title),
        item=keep(item, old.item), course=keep(course, None if old.course is None else str(old.course)),
        cpsel=list(cpsel) or [",".join(old.cpsel)] if (cpsel or old.cpsel) else (),
        ratings=list(ratings) or [f"{k}={v}" for k, v in old.ratings], evidence=evidence,
        notes=keep(notes, old.notes), with_=keep(with_, old.with_))
    if evidence is None and old.evidence is not None:  # kept as it was (the file may have moved since)
        fields["evidence"] = old.evidence
        if old.evidence_sha256 is not None:
            fields["evidence_sha256"] = old.evidence_sha256
    if old.verified is not None and evidence is None:
        fields["verified"] = old.verified
    return fields


def _refuse_no_change(old: Entry, fields: dict, entry_ref: str) -> None:
    from cepledger.ledger.edit import normalise_entry
    from cepledger.ledger.schema import check_entry_fields

    vals, _ = check_entry_fields(normalise_entry(dict(fields)))
    defaults = {"cpsel": (), "ratings": ()}

    def same(k: str) -> bool:
        a, b = vals.get(k, defaults.get(k)), getattr(old, k)
        return dict(a) == dict(b) if k == "ratings" else a == b

    if all(same(k) for k in COMPARED):
        raise UsageError(f"amending {old.id or entry_ref} changes nothing: the values given are the ones it has; "
                         "give the corrected amount, --date, --title or --item")


def _amend_line(old: Entry, new: Entry, before: dict, after: dict) -> str:
    """``amended 7f3a2c -> 9b1c2d: counted 3 -> 4`` (per program when several count it)."""
    head = f"amended {old.id} -> {new.id}"
    pids = list(dict.fromkeys([*before, *after]))
    if not pids:
        return f"{head}: counted in none of the member's programs"
    parts = [f"counted {render.num_text(before.get(p, 0))} -> {render.num_text(after.get(p, 0))}" for p in pids]
    if len(pids) == 1:
        return f"{head}: {parts[0]}"
    return f"{head}: " + "; ".join(f"{p} {t}" for p, t in zip(pids, parts))
