"""The command line: the only package that imports Typer.

A command line flows through these modules:

- ``app.py``: the Typer app, its global options, every command in help order, ``main``.
- ``members.py``, ``entries.py``, ``reports.py``, ``advice.py``, ``programs.py``: the Typer
  declaration of each group of commands (arguments, options, help), each a thin adapter.
- ``exit_codes.py``: ``call`` runs a command's ``run_*`` function; the one place an error
  becomes a sentence on stderr and an exit code (2, 3, 4; 70 a bug; 130; 141).
- ``run/``: what each command does, as plain functions without Typer (one module per group,
  the same names as above).
- ``options.py``: the parameters declared once (global options, the shared ones, and the
  whole of ``log``/``status``/``summary``), read by ``typer_params.py`` (Typer parameters)
  and by ``script_output.py`` (the same three commands for scripts, without Typer), whose
  results ``report_cache.py`` keeps in the user's cache directory.
- ``env.py`` (ledgers folder, today, streams), ``complete.py`` (shell completion),
  ``suggest.py`` (did-you-mean).
"""
