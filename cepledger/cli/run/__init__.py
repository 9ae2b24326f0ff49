"""What each command does, as plain functions: ``run_<command>(env, ...) -> exit code``.

One module per group of commands, like the Typer declarations in ``cepledger/cli/``:
``members`` (init, member add/enrol/list), ``entries`` (add, void, import, reflect; with
``entry_fields``: the checks a new entry passes, and ``interactive_add``: the questions
``cep add`` asks on a terminal), ``reports`` (log, status, summary, report), ``advice``
(explain, plan, verify) and ``programs`` (check, programs). ``evaluation`` loads members
and their programs and evaluates a year, for all of them.

They take an ``Env`` and plain values, raise ``CepError`` for anything the user must fix,
and never import Typer; rich only inside the table branches, so ``--format json|csv``
stays light.
"""
