"""``cep undo``: take back the last ``add``, ``amend``, ``void``, ``import`` or ``member enrol``.

The undo journal (``ledger.journal``, in the user's state directory) holds, per ledger,
the bytes before each write and the digest of what it left. ``undo`` puts the bytes back
only while the ledger still holds exactly what the write left (a hand edit since is
never lost: exit 2, nothing changed); several undos in a row walk back further.
"""

from __future__ import annotations

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import load_member


def run_undo(env: Env, member_id: str) -> int:
    """Restore the ledger as it was before its last journalled write."""
    from cepledger.ledger.corrections import undo_last

    path, _member = load_member(env, member_id)  # an unknown member or a broken ledger: the usual errors
    done = undo_last(path)
    more = f"; {done.left} more step{'s' if done.left != 1 else ''} can be undone" if done.left else ""
    if done.already:
        env.out.write(f"`{done.step.command}` on {member_id} had already been undone (the last undo was "
                      f"interrupted); nothing else was changed{more}\n")
    else:
        env.out.write(f"undid `{done.step.command}` on {member_id}: {path} is as it was before{more}\n")
    return 0
