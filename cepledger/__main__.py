"""``cep``, ``cepledger`` and ``python -m cepledger``: hand over to the command line.

Plain ``status``/``summary``/``log`` runs with ``--format json|csv`` go through the
no-Typer fast path (``fastpath.py``); everything else, and anything the fast path does
not fully understand or that fails there, goes to the Typer app unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    from cepledger.cli.fastpath import run

    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from cepledger.cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
