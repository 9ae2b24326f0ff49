"""Reflection on one's own learning: the four questions of the CASSA 2022 session
"Building the Capacity of System Leaders" (seeds/002), answered in the member's words.

A reflection is an ordinary entry: activity ``reflection`` (a milestone every shipped
program defines as data: it counts toward nothing), or any activity that earns hours
when the member wants credit for the time. The answers are kept in the entry's
``notes`` under a fixed heading, so any entry whose notes start with it is a reflection.
"""

from __future__ import annotations

import re
from typing import Sequence

from cepledger.model.records import Entry

ACTIVITY = "reflection"
HEADING = "CASSA 2022 reflection: Building the Capacity of System Leaders"
TITLE = "Reflection: building the capacity of system leaders"
QUESTIONS = (
    "What professional learning opportunities both enhance and challenge your knowledge, skills and "
    "abilities? What works for you, and how do you know it works?",
    "How do you intentionally work to support colleagues in their ongoing professional learning?",
    "How do you speak of, and articulate, a theory of change for your school or organization?",
    "How do you use both internal and external expertise to create engaging learning opportunities for all?",
)
SHORT = ("what learning works for you", "supporting colleagues' learning", "your theory of change",
         "internal and external expertise")


def reflection_notes(answers: Sequence[str]) -> str:
    """The notes text of a reflection: the heading, then each question and its answer."""
    if len(answers) != len(QUESTIONS):
        raise ValueError(f"a reflection answers {len(QUESTIONS)} questions")
    parts = [HEADING]
    for n, (q, a) in enumerate(zip(QUESTIONS, answers), 1):
        parts.append(f"Q{n}. {q}\nA{n}. {a.strip()}")
    return "\n\n".join(parts)


def is_reflection(entry: Entry) -> bool:
    """Whether ``entry`` is a reflection (its activity, or notes that start with the questions' heading)."""
    return entry.activity == ACTIVITY or (entry.notes or "").startswith(HEADING)


_QA = re.compile(r"^Q(\d)\. (.*?)\nA\1\. (.*?)(?=\n\nQ\d\. |\Z)", re.S | re.M)


def answers_of(entry: Entry) -> list[tuple[str, str]]:
    """(question, answer) pairs of a reflection entry ([] when the notes hold none)."""
    return [(m.group(2), m.group(3)) for m in _QA.finditer(entry.notes or "")]
