"""Small record classes: what ``@dataclass`` gave us, without its start-up cost.

``import dataclasses`` pulls in ``inspect`` (about 8 ms) and decorating a class costs
about 1 ms (it compiles five methods and inspects every field), which every ``cep`` run
paid for two dozen classes. ``@record`` builds the same kind of class for a fraction
of that: shared ``__eq__``, ``__hash__``, ``__repr__`` and (when frozen)
``__setattr__``/``__delattr__``, and an ``__init__`` that takes the fields without
being compiled for the class; a class built ``COMPILE_AFTER`` times in one process gets
its own compiled ``__init__`` then (a compile costs ~0.2 ms, which most classes, built
a few times per run, would never get back).

    @record                     # frozen, with __slots__ (like dataclass(frozen=True, slots=True))
    class Point:
        x: int
        y: int = 0
        tags: list = factory(list)   # like field(default_factory=list)

    @record(frozen=False)       # mutable, with an ordinary __dict__ (like @dataclass)

Fields are the class's own annotations, in order (no inheritance of fields; a
``ClassVar[...]`` annotation is not a field). ``replace(obj, **changes)`` is
``dataclasses.replace``; ``fields(cls)`` the field names.
"""

from __future__ import annotations

_MISSING = object()


class FrozenError(AttributeError):
    """Assigning to a field of a frozen record."""


class factory:
    """A default made fresh for each instance: ``tags: list = factory(list)``."""

    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def fields(cls_or_obj: object) -> tuple[str, ...]:
    return cls_or_obj._fields


def replace(obj: object, **changes: object) -> object:
    """A copy of ``obj`` with some fields changed (``dataclasses.replace``)."""
    for name in changes:
        if name not in obj._fields:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    values = {name: getattr(obj, name) for name in obj._fields}
    values.update(changes)
    return type(obj)(**values)


def record(cls: type | None = None, /, *, frozen: bool = True):
    """Make ``cls`` a record class (see the module docstring)."""

    def wrap(cls: type) -> type:
        return _build(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _values(self) -> tuple:
    return tuple([getattr(self, name) for name in self._fields])


def _eq(self, other):
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self):
    return hash(_values(self))


def _repr(self):
    return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"


def _reduce(self):
    return type(self), _values(self)


def _frozen_setattr(self, name, value):
    raise FrozenError(f"cannot assign to field {name!r} of {type(self).__name__}: it is frozen")


def _frozen_delattr(self, name):
    raise FrozenError(f"cannot delete field {name!r} of {type(self).__name__}: it is frozen")


COMPILE_AFTER = 100  # constructions; then the class gets its compiled __init__


def _compile_init(cls: type, names: tuple, defaults: dict, frozen: bool):
    """The class's own ``__init__(self, a, b=..., c=<factory>)``, compiled from source."""
    args, lines = [], []
    scope: dict[str, object] = {"_MISSING": _MISSING, "_set": object.__setattr__}
    for n in names:
        if n in defaults:
            d = defaults[n]
            if isinstance(d, factory):
                scope[f"_f_{n}"] = d.make
                args.append(f"{n}=_MISSING")
                lines.append(f"    if {n} is _MISSING: {n} = _f_{n}()")
            else:
                scope[f"_d_{n}"] = d
                args.append(f"{n}=_d_{n}")
        else:
            args.append(n)
    for n in names:
        lines.append(f"    _set(self, {n!r}, {n})" if frozen else f"    self.{n} = {n}")
    source = f"def __init__(self, {', '.join(args)}):\n" + "\n".join(lines or ["    pass"]) + "\n"
    exec(source, scope)  # noqa: S102 - code built from the class's own field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _generic_init(cls: type, names: tuple, defaults: dict, frozen: bool):
    """An ``__init__`` taking the fields as the compiled one does, without compiling.

    Compiling a class's ``__init__`` costs about 0.2 ms, which every ``cep`` run paid for
    each of the two dozen record classes it loads, most of them built a few times per
    run; this one is about 0.7 µs slower per call, so after ``COMPILE_AFTER`` calls it
    gives ``cls`` the compiled one.
    """
    n = len(names)
    counter = [0]
    setter = object.__setattr__ if frozen else setattr

    def __init__(self, *args, **kwargs):
        counter[0] += 1
        if counter[0] == COMPILE_AFTER:
            cls.__init__ = _compile_init(cls, names, defaults, frozen)
        if len(args) > n:
            raise TypeError(f"{type(self).__name__}() takes {n} arguments but {len(args)} were given")
        for name, value in zip(names, args):
            setter(self, name, value)
        if len(args) < n or kwargs:
            for name in names[len(args):]:
                if name in kwargs:
                    value = kwargs.pop(name)
                elif name in defaults:
                    value = defaults[name]
                    if isinstance(value, factory):
                        value = value.make()
                else:
                    raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
                setter(self, name, value)
            if kwargs:
                name = next(iter(kwargs))
                what = "multiple values for argument" if name in names else "an unexpected keyword argument"
                raise TypeError(f"{type(self).__name__}() got {what} {name!r}")

    return __init__


def _build(cls: type, frozen: bool) -> type:
    annotations = cls.__dict__.get("__annotations__", {})
    names = tuple(n for n, t in annotations.items() if not str(t).startswith(("ClassVar", "typing.ClassVar")))
    ns = dict(cls.__dict__)
    ns.pop("__dict__", None)
    ns.pop("__weakref__", None)
    defaults = {n: ns.pop(n) for n in names if n in ns}
    seen_default = False
    for n in names:
        if n in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}: field {n!r} without a default follows one with a default")

    ns["_fields"] = names
    ns.setdefault("__repr__", _repr)
    ns.setdefault("__eq__", _eq)
    ns.setdefault("__reduce__", _reduce)
    if frozen:
        ns["__slots__"] = names
        ns["__setattr__"] = _frozen_setattr
        ns["__delattr__"] = _frozen_delattr
        ns.setdefault("__hash__", _hash)
    else:
        ns["__hash__"] = None  # mutable and compared by value: unhashable, as with @dataclass
    new = type(cls)(cls.__name__, cls.__bases__, ns)
    new.__qualname__ = cls.__qualname__
    init = _generic_init(new, names, defaults, frozen)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    new.__init__ = init
    return new
