"""Print the figures of a crash-test record as the Markdown table of docs/testing.md.

    CEP_CRASH_RECORD=/tmp/crash.json make crash-test
    .venv/bin/python tests/crash/summarise.py /tmp/crash.json
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def main(path: str) -> None:
    rec = json.loads(open(path, encoding="utf-8").read())
    outcomes = rec["outcomes"]
    print("| command | kill points | killed: old / new | failures injected | exit 4, unchanged | "
          "harmless (optional call) | after the replace: exit 4 says written / exit 0 | known gaps |")
    print("|---|---|---|---|---|---|---|---|")
    totals = Counter()
    for name, points in rec["points"].items():
        kills = [o for o in outcomes if o["command"] == name and o["action"] == "KILL"]
        fails = [o for o in outcomes if o["command"] == name and o["action"] != "KILL"]
        old = sum(o["state"] == "old" for o in kills)
        row = Counter(
            points=len(points), kills=len(kills), old=old, new=len(kills) - old, fails=len(fails),
            unchanged=sum(o["note"].startswith("exit 4, files") for o in fails),
            harmless=sum(o["note"].startswith("exit 0: an optional") for o in fails),
            after0=sum(o["note"] in ("",) or o["note"].startswith("exit 0 after") for o in fails),
            after=sum(o["note"].startswith("exit 4: the change") for o in fails),
            gaps=sum(o["note"].startswith("KNOWN GAP") for o in kills + fails),
        )
        totals.update(row)
        print(f"| {name} | {row['points']} | {row['old']} / {row['new']} | {row['fails']} | {row['unchanged']} | "
              f"{row['harmless']} | {row['after']} / {row['after0']} | {row['gaps']} |")
    print(f"| **all** | **{totals['points']}** | {totals['old']} / {totals['new']} | **{totals['fails']}** | "
          f"{totals['unchanged']} | {totals['harmless']} | {totals['after']} / {totals['after0']} | {totals['gaps']} |")
    print(f"\nseed {rec['seed']}, full sweep: {rec['full']}")


if __name__ == "__main__":
    main(sys.argv[1])
