"""``@record``: the small replacement for ``@dataclass`` (start-up cost, issue 5)."""

from __future__ import annotations

import pickle
from typing import ClassVar

import pytest

from cepledger.record import FrozenError, factory, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list = factory(list)
    KIND: ClassVar[str] = "point"

    def norm(self) -> int:
        return abs(self.x) + abs(self.y)


@record(frozen=False)
class Box:
    name: str
    items: list = factory(list)


def test_fields_defaults_and_methods() -> None:
    p = Point(1)
    assert (p.x, p.y, p.tags) == (1, 0, [])
    assert Point(1, y=2).norm() == 3 and Point(x=-3).norm() == 3
    assert fields(Point) == ("x", "y", "tags") and Point.KIND == "point"
    assert Point.__slots__ == ("x", "y", "tags")
    assert not hasattr(p, "__dict__")


def test_factory_gives_each_instance_its_own_value() -> None:
    a, b = Point(1), Point(2)
    a.tags.append("t")
    assert b.tags == [] and Box("a").items is not Box("b").items


def test_equality_hash_and_repr_follow_the_fields() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != (1, 2, [])  # another type is never equal
    assert hash(Point(1, 2, ())) == hash(Point(1, 2, ()))
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"
    assert {Point(1, 2, ()): "a"}[Point(1, 2, ())] == "a"


def test_frozen_records_refuse_assignment_and_deletion() -> None:
    p = Point(1)
    with pytest.raises(FrozenError, match="frozen"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y
    assert p.x == 1


def test_mutable_records_assign_and_are_unhashable() -> None:
    b = Box("a")
    b.name = "b"
    b.extra = 1  # an ordinary __dict__, as with @dataclass
    assert b.name == "b" and b == Box("b")
    with pytest.raises(TypeError):
        hash(b)


def test_constructor_errors_are_plain_type_errors() -> None:
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, [], 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="follows one with a default"):
        @record
        class Bad:
            a: int = 0
            b: int


def test_replace_copies_with_changes() -> None:
    p = Point(1, 2, ("a",))
    q = replace(p, y=5)
    assert q == Point(1, 5, ("a",)) and p.y == 2
    with pytest.raises(TypeError, match="no field"):
        replace(p, z=1)


def test_records_pickle() -> None:
    p = Point(1, 2, ("a",))
    assert pickle.loads(pickle.dumps(p)) == p


def test_the_compiled_init_takes_over_and_behaves_the_same(monkeypatch) -> None:
    import cepledger.record as rec

    monkeypatch.setattr(rec, "COMPILE_AFTER", 3)

    @record
    class P:
        x: int
        y: int = 0
        tags: list = factory(list)

    generic = P.__init__
    made = [P(1), P(1, 2), P(x=1, tags=["a"])]  # the third construction compiles
    assert P.__init__ is not generic and P.__init__.__qualname__.endswith("P.__init__")
    made += [P(1), P(1, 2), P(x=1, tags=["a"])]
    assert [(p.x, p.y, p.tags) for p in made] == [(1, 0, []), (1, 2, []), (1, 0, ["a"])] * 2
    assert made[0].tags is not made[3].tags
    for init in (generic, P.__init__):  # the same errors before and after
        for args, kwargs in (((), {}), ((1,), {"z": 2}), ((1, 2, [], 4), {}), ((1,), {"x": 1})):
            with pytest.raises(TypeError):
                init(object.__new__(P), *args, **kwargs)
