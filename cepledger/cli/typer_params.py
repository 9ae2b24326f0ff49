"""Typer parameters: built from the declarations in ``options.py``, plus the completion hooks.

``annotated(param)`` is the ``Annotated[type, typer.Option(...)]`` Typer reads for one
declared parameter; ``command_function(command)`` is a whole command (``log``, ``status``,
``summary``) whose signature is built from its declaration, so that the script-output
parser and Typer read the same table.
"""

# No `from __future__ import annotations`: Typer would evaluate every annotation string at
# each start-up; plain annotations are evaluated once, here.

import inspect
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from cepledger.cli.options import Command, Param

# ------------------------------------------------------------------ completion (must never raise)


def _ledgers_of(ctx: typer.Context) -> Path:
    from cepledger.cli.env import ledgers_from

    try:
        return ledgers_from(ctx.find_root().params.get("ledgers"))
    except Exception:
        return Path("ledgers")


def complete_member(ctx: typer.Context, incomplete: str) -> list[str]:
    """<Tab> on a MEMBER: the member ids in the ledgers folder."""
    from cepledger.cli.complete import complete_members

    return complete_members(_ledgers_of(ctx), incomplete)


def complete_activity(ctx: typer.Context, incomplete: str) -> list[str]:
    """<Tab> on an ACTIVITY: those of the member named earlier on the line (else of every program)."""
    from cepledger.cli.complete import complete_activities

    return complete_activities(_ledgers_of(ctx), ctx.params.get("member_id"), incomplete)


def complete_program(ctx: typer.Context, incomplete: str) -> list[str]:
    """<Tab> on a PROGRAM: the programs one can enrol in."""
    from cepledger.cli.complete import complete_programs

    return complete_programs(_ledgers_of(ctx), incomplete)


def complete_entry(ctx: typer.Context, incomplete: str) -> list[str]:
    """<Tab> on an ENTRY-ID of ``explain``: every entry id of the member named earlier on the line."""
    from cepledger.cli.complete import complete_entry_ids

    return complete_entry_ids(_ledgers_of(ctx), ctx.params.get("member_id"), incomplete)


def complete_counting_entry(ctx: typer.Context, incomplete: str) -> list[str]:
    """<Tab> on an ENTRY-ID of ``void`` or ``amend``: the member's entries that still count."""
    from cepledger.cli.complete import complete_entry_ids

    return complete_entry_ids(_ledgers_of(ctx), ctx.params.get("member_id"), incomplete, counting_only=True)


_COMPLETERS = {"members": complete_member, "activities": complete_activity, "programs": complete_program}

# ------------------------------------------------------------------ parameters

_CHOICE_TYPES: dict[tuple[str, ...], type[Enum]] = {}


def _choice_type(choices: tuple[str, ...]) -> type[Enum]:
    """A str Enum of ``choices``: how Typer spells an option taking one of a fixed set of values."""
    if choices not in _CHOICE_TYPES:
        _CHOICE_TYPES[choices] = Enum("Choice", [(c, c) for c in choices], type=str)
    return _CHOICE_TYPES[choices]


def annotated(p: Param, **typer_kwargs):
    """``Annotated[type, typer.Argument(...) | typer.Option(...)]`` for ``p``; ``typer_kwargs``
    go to Typer unchanged (e.g. a help text for one command)."""
    kw = {"help": p.help, **typer_kwargs}
    if p.complete:
        kw["autocompletion"] = _COMPLETERS[p.complete]
    if not p.flags:
        return Annotated[str if p.required else Optional[str],
                         typer.Argument(metavar=p.metavar, show_default=False, **kw)]
    if not p.takes_value:
        return Annotated[bool, typer.Option(*p.flags, **kw)]
    if p.choices:
        return Annotated[_choice_type(p.choices), typer.Option(*p.flags, metavar=p.metavar, case_sensitive=False,
                                                               **kw)]
    if p.folder:
        return Annotated[Optional[Path], typer.Option(*p.flags, metavar=p.metavar, file_okay=False,
                                                      show_default=False, **kw)]
    return Annotated[Optional[str], typer.Option(*p.flags, metavar=p.metavar, show_default=False, **kw)]


def default_of(p: Param):
    """The Python default Typer is given for ``p`` (a choice as its Enum member)."""
    if p.choices:
        return _choice_type(p.choices)(p.default)
    return p.default


def plain(value):
    """What a run_* function takes: a choice as its text, anything else as it is."""
    return value.value if isinstance(value, Enum) else value


def command_function(command: Command, body: Callable[..., None], extra: tuple = ()) -> Callable[..., None]:
    """A function Typer reads as ``command``: ``ctx``, one parameter per declared ``Param``
    (then the ``inspect.Parameter``s in ``extra``); calling it calls ``body(ctx, **values)``
    with plain values.

    Typer learns a command's parameters from the function's signature, so the signature
    is built from the declaration instead of being written out a second time.
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [inspect.Parameter("ctx", kind, annotation=typer.Context)]
    for p in command.params:
        default = inspect.Parameter.empty if p.required else default_of(p)
        params.append(inspect.Parameter(p.name, kind, default=default, annotation=annotated(p)))
    params.extend(extra)
    names = {p.name for p in command.params}

    def typer_command(ctx: typer.Context, **values) -> None:
        body(ctx, **{k: plain(v) for k, v in values.items() if k in names})

    typer_command.__signature__ = inspect.Signature(params)
    typer_command.__annotations__ = {p.name: p.annotation for p in params}
    typer_command.__name__ = typer_command.__qualname__ = f"{command.name}_cmd"
    typer_command.__doc__ = command.help
    return typer_command


# ------------------------------------------------------------------ parameters of one command only


def option(*decls: str, meta: str, help: str, **kw):
    """An option of one command taking a value: ``--date DATE`` with its help, no default shown."""
    return typer.Option(*decls, metavar=meta, help=help, show_default=False, **kw)


def argument(meta: str, help: str, **kw):
    """A positional argument of one command."""
    return typer.Argument(metavar=meta, help=help, show_default=False, **kw)
