"""``cep plan --format json``: what is left per requirement (``calc.plan``) for scripts."""

from __future__ import annotations

from cepledger.calc.plan import Step
from cepledger.render.words import num


def plan_json(plans: list[tuple[str, list[Step]]]) -> list[dict]:
    """``cep plan --format json``: one object per suggested entry, then what else is left.

    Suggestions first: ``{"activity", "credits", "program", "requirement", "code"}``, whose
    credits sum to at least the requirement's shortfall; then one object per other unmet
    requirement (milestones, counts, sets) with ``credits`` 0 and what is ``left``.
    """
    out = []
    for program_id, steps in plans:
        for s in steps:
            for g in s.suggestions:
                out.append({"activity": g.activity, "credits": num(g.credits), "program": program_id,
                            "requirement": s.requirement.id, "code": g.code, "limit": g.why,
                            "due": s.due.isoformat()})
        for s in steps:
            if s.suggestions:
                continue
            r = s.requirement
            item = {"activity": s.activities[0] if len(s.activities) == 1 else None, "credits": 0, "program": program_id, "requirement": r.id,
                    "left": num(s.left), "unit": r.unit, "due": s.due.isoformat(),
                    "weekly_pace": num(s.weekly) if s.weekly is not None else None}
            if r.missing:
                item["missing"] = list(r.missing)
            if s.options:
                item["options"] = list(s.options)
            out.append(item)
    return out
