"""``cep``, ``cepledger`` and ``python -m cepledger``: hand over to the command line.

``log``, ``status`` and ``summary`` (every format) go through
``cli/script_output.py``, which never imports Typer; everything else, and anything that
path does not fully understand or that fails there, goes to the Typer app unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line in ``sys.argv`` and exit with its code."""
    from cepledger.cli.script_output import run

    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)  # as the Typer app exits on Ctrl-C
    if code is not None:
        sys.exit(code)
    from cepledger.cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
