"""The edit matrix, on a running program under the harness (3.11, 3.12, 3.13).

Each case: the program holds live objects; the test edits app.py, asks the harness to
reload (``reload.apply``, what the adapter's apexHotReload sends), and checks what the
running program now does through the expressions it evaluates.
"""
from __future__ import annotations

from .conftest import edit, names, write

APP = '''
import dataclasses
import functools

COUNTER = [0]
LIMIT = 10


def scale(x, factor=2):
    return x * factor


def make_adder(n):
    def add(x):
        return x + n
    return add


adder = make_adder(1)


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        return ("logged", fn(*args))
    return wrapper


@logged
def greet(name):
    return "hello " + name


def counter():
    i = 0
    while True:
        yield ("old", i)
        i += 1


running = counter()
next(running)


class Shape:
    SIDES = 0

    def __init__(self, size):
        self.size = size

    def area(self):
        return self.size * self.size

    @property
    def label(self):
        return "shape %d" % self.size

    @staticmethod
    def kind():
        return "old-kind"

    @classmethod
    def make(cls):
        return cls(1)


square = Shape(3)


@dataclasses.dataclass
class Point:
    x: int
    y: int

    def norm(self):
        return abs(self.x) + abs(self.y)


origin = Point(3, 4)


def doomed():
    return "still here"


def old_name():
    return "old name"
'''


def test_function_body_keeps_identity_and_state(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    assert t.ask("(scale(3), id(scale) == id(__import__('other').scale))") == "= (6, True)"
    t.ask("COUNTER.append(1)")
    edit(tmp_path / "app.py", "return x * factor", "return x * factor + 100")
    report = t.reload()
    assert report["applied"] and names(report, "patched") == ["app.scale"]
    assert t.ask("scale(3)") == "= 106"
    # `from app import *` in other.py holds the same function object: new code there too.
    assert t.ask("__import__('other').scale(3)") == "= 106"
    assert t.ask("COUNTER") == "= [0, 1]"          # module state kept


def test_method_used_by_live_instance(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    assert t.ask("square.area()") == "= 9"
    edit(tmp_path / "app.py", "return self.size * self.size", "return self.size * 4")
    edit(tmp_path / "app.py", 'return "old-kind"', 'return "new-kind"')
    edit(tmp_path / "app.py", "return cls(1)", "return cls(2)")
    report = t.reload()
    assert set(names(report, "patched")) == {"app.Shape.area", "app.Shape.kind", "app.Shape.make"}
    assert t.ask("(square.area(), square.size)") == "= (12, 3)"
    assert t.ask("(Shape.kind(), Shape.make().size)") == "= ('new-kind', 2)"


def test_nested_closure_and_decorated(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    assert t.ask("(adder(1), greet('a'))") == "= (2, ('logged', 'hello a'))"
    edit(tmp_path / "app.py", "return x + n", "return x + n * 10")
    edit(tmp_path / "app.py", 'return "hello " + name', 'return "hi " + name')
    report = t.reload()
    assert set(names(report, "patched")) == {"app.make_adder", "app.greet"}
    # The closure made before the edit runs the new body with its old cell (n=1).
    assert t.ask("(adder(1), make_adder(2)(1))") == "= (11, 21)"
    # The decorator's wrapper is the same object; the function it wraps has new code.
    assert t.ask("greet('a')") == "= ('logged', 'hi a')"


def test_generator_running_keeps_old_code(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", 'yield ("old", i)', 'yield ("new", i * 100)')
    report = t.reload()
    assert names(report, "patched") == ["app.counter"]
    assert "running generators keep the old code" in report["patched"][0]["note"]
    assert t.ask("next(running)") == "= ('old', 1)"
    assert t.ask("next(counter())") == "= ('new', 0)"


def test_property_and_class_attribute(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    assert t.ask("(square.label, Shape.SIDES)") == "= ('shape 3', 0)"
    edit(tmp_path / "app.py", 'return "shape %d" % self.size', 'return "SHAPE<%d>" % self.size')
    edit(tmp_path / "app.py", "SIDES = 0", "SIDES = 4")
    report = t.reload()
    assert {"app.Shape.label", "app.Shape.SIDES"} <= set(names(report, "patched"))
    assert t.ask("(square.label, Shape.SIDES, square.SIDES)") == "= ('SHAPE<3>', 4, 4)"


def test_add_remove_rename(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", 'def doomed():\n    return "still here"\n', "")
    edit(tmp_path / "app.py", "def old_name():", "def new_name():")
    edit(tmp_path / "app.py", "LIMIT = 10", "LIMIT = 10\nBONUS = 7")
    edit(tmp_path / "app.py", "    def area(self):",
         "    def perimeter(self):\n        return 4 * self.size\n\n    def area(self):")
    report = t.reload()
    assert set(names(report, "removed")) == {"app.doomed", "app.old_name"}
    assert set(names(report, "added")) == {"app.new_name", "app.BONUS", "app.Shape.perimeter"}
    assert t.ask("doomed()") == "! NameError name 'doomed' is not defined"
    assert t.ask("(new_name(), BONUS, square.perimeter())") == "= ('old name', 7, 12)"
    # other.py took `doomed` with `from app import *`: reported as possibly stale.
    stale = {(s["module"], s["name"]) for s in report["stale"]}
    assert ("other", "doomed") in stale and ("other", "old_name") in stale


def test_module_level_value_kept_unless_rerun(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "LIMIT = 10", "LIMIT = 20")
    report = t.reload()
    assert names(report, "kept") == ["app.LIMIT"] and t.ask("LIMIT") == "= 10"
    assert ("other", "LIMIT") in {(s["module"], s["name"]) for s in report["stale"]}
    report = t.reload(paths=[str(tmp_path / "app.py")], rerun=True)
    assert "app.LIMIT" in names(report, "patched") and t.ask("LIMIT") == "= 20"


def test_syntax_error_applies_nothing(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "return x * factor", "return x * factor + 1")
    write(tmp_path / "other.py", "from app import *\ndef broken(:\n    pass\n")
    report = t.reload()
    assert not report["applied"]
    assert report["errors"][0]["path"].endswith("other.py") and report["errors"][0]["line"] == 2
    assert "nothing applied" in report["summary"]
    assert t.ask("scale(3)") == "= 6"            # app.py's valid change was not applied
    write(tmp_path / "other.py", "from app import *\n")
    report = t.reload()
    assert report["applied"] and t.ask("scale(3)") == "= 7"


def test_dataclass_field_change_refused(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "    y: int\n", "    y: int\n    z: int = 0\n")
    edit(tmp_path / "app.py", "return abs(self.x) + abs(self.y)", "return 0")
    edit(tmp_path / "app.py", "return x * factor", "return x * factor + 1")
    report = t.reload()
    refused = {e["name"]: e["reason"] for e in report["refused"]}
    assert "dataclass fields changed (x, y -> x, y, z)" in refused["app.Point"]
    # Nothing of the refused class was applied; the rest of the module was.
    assert t.ask("(origin.norm(), Point(1, 1).norm(), scale(3))") == "= (7, 2, 7)"


def test_class_bases_change_refused(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "class Shape:", "class Shape(dict):")
    report = t.reload()
    refused = {e["name"]: e["reason"] for e in report["refused"]}
    assert "its bases changed (object -> dict)" in refused["app.Shape"]
    assert t.ask("isinstance(square, dict)") == "= False"


def test_closure_free_variables_changed_is_reported(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "def make_adder(n):\n    def add(x):\n        return x + n",
         "def make_adder(n):\n    m = n * 1000\n\n    def add(x):\n        return x + m")
    report = t.reload()
    assert names(report, "patched") == ["app.make_adder"]
    stale = {s["name"]: s["reason"] for s in report["stale"]}
    # `m` never existed in the call that made `adder` (it has returned): no cell to reuse.
    assert "new free variable m is local to the enclosing function" in \
        stale["make_adder.<locals>.add"]
    # The old closure keeps its code and cell; new closures get the new code and cells.
    assert t.ask("(adder(1), make_adder(2)(1))") == "= (2, 2001)"


def test_closure_losing_a_free_variable_is_rebuilt_and_rebound(target_python, make_target,
                                                                 tmp_path):
    t = make_target(target_python, APP)
    assert t.ask("(adder(1), __import__('other').adder is adder)") == "= (2, True)"
    edit(tmp_path / "app.py", "        return x + n\n", "        return x + 5\n")
    report = t.reload()
    patched = {e["name"]: e.get("note") for e in report["patched"]}
    assert "app.make_adder" in patched
    note = patched["app.make_adder.<locals>.add"]
    assert "closure rebuilt (free variables n -> none)" in note
    assert not report["stale"]
    # The live closure was replaced where it is bound: app's global and other's
    # `from app import *` copy both run the new code.
    assert t.ask("(adder(1), __import__('other').adder(1), make_adder(2)(1))") == "= (6, 6, 6)"


SIBLINGS = APP + '''

def make_counter(start):
    step = 1

    def bump():
        return start + 1

    def peek():
        return (start, step)
    return bump, peek


bump, peek = make_counter(10)
handlers = [bump]


class Box:
    pass


box = Box()
box.fn = bump
'''


def test_closure_gaining_a_free_variable_reuses_the_calls_cells(target_python, make_target,
                                                                tmp_path):
    t = make_target(target_python, SIBLINGS)
    assert t.ask("(bump(), handlers[0](), box.fn())") == "= (11, 11, 11)"
    edit(tmp_path / "app.py", "        return start + 1\n", "        return start + step * 100\n")
    report = t.reload()
    patched = {e["name"]: e.get("note") for e in report["patched"]}
    note = patched["app.make_counter.<locals>.bump"]
    assert "closure rebuilt (free variables start -> start, step)" in note
    assert not report["stale"]
    # `step` is the cell of the call that made `bump`, found through `peek` (same call):
    # a change to it is seen by both.
    assert t.ask("(bump(), handlers[0](), box.fn(), peek())") == "= (110, 110, 110, (10, 1))"
    assert t.ask("make_counter(5)[0]()") == "= 105"


def test_method_starting_to_use_super_is_rebuilt(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "    def area(self):\n        return self.size * self.size",
         "    def area(self):\n        return (super().__class__.__name__, self.size)")
    report = t.reload()
    assert names(report, "patched") == ["app.Shape.area"]
    assert t.ask("square.area()") == "= ('super', 3)"


def test_slots_change_refused(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "class Shape:\n    SIDES = 0",
         "class Shape:\n    __slots__ = ('size',)\n    SIDES = 0")
    report = t.reload()
    refused = {e["name"]: e["reason"] for e in report["refused"]}
    assert "its __slots__ changed (None -> ('size',))" in refused["app.Shape"]
    assert t.ask("hasattr(square, '__dict__')") == "= True"


def test_changed_default_value(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    edit(tmp_path / "app.py", "def scale(x, factor=2):", "def scale(x, factor=5):")
    report = t.reload()
    assert report["patched"] == [{"name": "app.scale", "note": "default values"}]
    assert t.ask("(scale(3), scale(3, 1))") == "= (15, 3)"


def test_file_not_imported_is_skipped(target_python, make_target, tmp_path):
    t = make_target(target_python, APP)
    write(tmp_path / "notes.py", "X = 1\n")
    report = t.reload(paths=[str(tmp_path / "notes.py")])
    assert report["applied"] and report["modules"] == [] and report["refused"] == []
    assert report["skipped"][0]["reason"] == "the program has not imported this file"
    assert report["summary"] == "hot reload: no changed workspace module"


RUNNING = APP + '''

import threading

gate = threading.Event()
made = []


def serve():
    limit = 7

    def check(x):
        return x
    made.append(check)
    gate.wait()
    return limit


worker = threading.Thread(target=serve, daemon=True)
worker.start()
'''


def test_closure_gaining_a_local_of_a_running_enclosing_call(target_python, make_target,
                                                              tmp_path):
    import time
    t = make_target(target_python, RUNNING)
    deadline = time.monotonic() + 10
    while t.ask("len(made)") != "= 1":    # the worker thread makes its closure
        assert time.monotonic() < deadline, "the worker never made its closure"
    assert t.ask("made[0](1)") == "= 1"
    edit(tmp_path / "app.py", "        return x\n    made", "        return x + limit\n    made")
    report = t.reload()
    patched = {e["name"]: e.get("note") for e in report["patched"]}
    note = patched["app.serve.<locals>.check"]
    assert "closure rebuilt (free variables none -> limit)" in note
    assert "limit: value taken from the running serve call" in note
    assert t.ask("made[0](1)") == "= 8"
    assert t.ask("(gate.set(), worker.join(5), worker.is_alive())") == "= (None, None, False)"
