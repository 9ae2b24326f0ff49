"""``cep explain`` output: an entry's cap chain (``calc.explain``) as JSON or as text for people."""

from __future__ import annotations

from cepledger.calc.explain import Explanation
from cepledger.model.records import Member
from cepledger.render.json_csv import period_json
from cepledger.render.words import cap_words, num, num_text, shown
from cepledger.rules.model import Activity

AMENDED_BY = "amended by "  # how `cep amend` words the void reason of the entry it corrects


def rule_words(activity: Activity) -> str:
    """``A4 live-webinar: at most 3 per webinar``, ``CEP cep-course: 10 per entry (fixed)``."""
    head = f"{activity.code} {activity.id}".strip()
    return f"{head}: {cap_words(activity)}"


def explanation_json(member: Member, explanations: list[Explanation]) -> dict:
    """The ``cep explain --format json`` object."""
    e = explanations[0].entry if explanations else None
    return {
        "member": member.id,
        "entry": None if e is None else {
            "id": e.id, "date": e.date.isoformat(), "activity": e.activity, "hours": num(e.hours),
            "item": e.item, "title": e.title, "void": e.void, "replaces": e.replaces, "with": e.with_,
            "amended_by": amended_by(e),
        },
        "programs": [
            {
                "program": x.program,
                "period": period_json(x.period) if x.period else None,
                "rule": rule_words(x.activity),
                "claimed": num(x.claimed),
                "counted": num(x.counted),
                "note": x.note,
                "caps": [
                    {
                        "code": s.code, "scope": s.scope, "per": s.per, "description": s.description,
                        "cap": num(s.cap), "used_before": num(s.used_before), "room": num(s.room),
                        "clipped": num(s.clipped),
                        "earlier": [{"id": r.entry.id, "date": r.entry.date.isoformat(),
                                     "activity": r.entry.activity, "counted": num(r.counted)} for r in s.earlier],
                    }
                    for s in x.steps
                ],
            }
            for x in explanations
        ],
    }


def amended_by(e) -> str | None:
    """The id of the entry that corrects ``e`` (its void reason says "amended by ID"), or None."""
    if e.void and e.void.startswith(AMENDED_BY):
        return e.void[len(AMENDED_BY):].strip() or None
    return None


def chain_lines(e) -> list[str]:
    """``  amended by 9b1c2d`` / ``  replaces 7f3a2c``: the other entry of an amend."""
    out = []
    if amended_by(e):
        out.append(f"  amended by {shown(amended_by(e))}: that entry counts in its place")
    if e.replaces:
        out.append(f"  replaces {shown(e.replaces)}: the entry it corrects (now void)")
    return out


def explanation_lines(explanations: list[Explanation]) -> list[str]:
    """Plain text for people: one block per program, one line per cap."""
    lines = []
    for x in explanations:
        e = x.entry
        what = shown(e.title or e.item or "")
        lines.append(f"{shown(e.id or '')} {e.date} {shown(e.activity)}{f' ({what})' if what else ''}"
                     f" in {x.program}{f' {x.period.label}' if x.period else ''}")
        lines.append(f"  rule: {rule_words(x.activity)}")
        lines.append(f"  claimed {num_text(x.claimed)} {x.unit}")
        amount = x.claimed
        for s in x.steps:
            users = ", ".join(f"{shown(r.entry.id or '#' + str(r.entry.source.line))} {num_text(r.counted)}"
                              for r in s.earlier)
            used = f"earlier entries used {num_text(s.used_before)}" + (f" ({users})" if users else "")
            head = f"  {s.code or '-'} {s.description}: {used}, room {num_text(s.room)}"
            if s.clipped:
                amount -= s.clipped
                lines.append(f"{head} -> clipped {num_text(s.clipped)}, {num_text(amount)} left")
            else:
                lines.append(f"{head} -> no clip")
        lines.append(f"  counted {num_text(x.counted)} {x.unit}")
        if x.note:
            lines.append(f"  note: {x.note}")
        lines.extend(chain_lines(e))
    return lines
