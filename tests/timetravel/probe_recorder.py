"""Run by test_recorder.py under each interpreter: record scenarios in-process and print
what the recorder holds as JSON (stdlib only, like the harness)."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "adapter"))

from apex_harness.recorder import Recorder  # noqa: E402
from apex_harness.recorder import core  # noqa: E402
from apex_harness.recorder import events as ev  # noqa: E402

REPR_CALLED = []


class Noisy:
    def __init__(self):
        self.label = "n"

    def __repr__(self):
        REPR_CALLED.append(1)
        return "side effect!"


class Hostile:
    """Every way of looking at it raises: the recorder must shrug, never the program."""

    @property
    def __dict__(self):
        raise RuntimeError("no __dict__ for you")

    def __repr__(self):
        raise RuntimeError("no repr")

    def poke(self):
        return 1


def hostile():
    h = Hostile()
    h.poke()
    return h.poke()


def mutate():
    items = []
    for i in range(3):
        items.append(i)
    d = {"k": items}
    d["k2"] = len(items)
    noisy = Noisy()
    big = list(range(100000))
    text = "x" * 1000000
    import json as stdlib_json
    stdlib_json.dumps({"a": 1})
    eval("1 + 1")
    return len(big) + len(text) + len(noisy.label)


def spin(n):
    total = 0
    for i in range(n):
        total += i
    return total


def grow(items, extra=None):
    """Mutates its argument; the recorded arguments are the ones it was called with."""
    items.append(len(items))
    return RECORDED_ARGS.append(core.recorded_arguments(REC[0], sys._getframe()))


RECORDED_ARGS = []
REC = []


def decode(rec):
    import base64
    from array import array
    page = rec.fetch(0, 10 ** 7)
    events = array("q")
    events.frombytes(base64.b64decode(page["events"]))
    code_rows = [list(map(str, r[:2])) for r in page["codes"]]
    steps = []
    values = {}
    vsteps = array("q")
    vsteps.frombytes(base64.b64decode(page["valueSteps"]))
    columns = zip(vsteps, (page["keyTable"][k] for k in page["valueKeys"]), page["values"])
    for step, key, node in columns:
        if not isinstance(node, list):  # JSON-native scalars travel as themselves
            node = [type(node).__name__, repr(node), None, 0]
        values.setdefault(step, {})[key] = node
    for i, e in enumerate(events):
        kind, slot, cidx, arg = ev.unpack(e)
        steps.append([page["start"] + i, ev.NAMES[kind], code_rows[cidx][1], arg,
                      values.get(page["start"] + i, {})])
    return page, code_rows, steps


def main():
    out = {"python": "%d.%d" % sys.version_info[:2]}
    rec = Recorder(workspace=HERE)
    REC.append(rec)
    rec.start()
    grow([1, 2], extra={"k": (3, "s")})
    out["hostile"] = hostile()
    mutate()
    if sys.version_info >= (3, 12):
        sys.monitoring.restart_events()  # what debugpy does on breakpoint changes
    spin(3)
    rec.stop()
    page, rows, steps = decode(rec)
    out["backend"] = rec.backend
    out["files"] = sorted({r[0] for r in rows})
    out["functions"] = sorted({r[1] for r in rows})
    out["mutate"] = [[s[1], s[3], s[4]] for s in steps if s[2] == "mutate"]
    out["spin_lines"] = [s[3] for s in steps if s[2] == "spin" and s[1] == "line"]
    out["repr_called"] = bool(REPR_CALLED)
    out["recorded_args"] = repr(RECORDED_ARGS)

    small = Recorder(workspace=HERE, budget=1 << 20, chunk_events=2000)
    small.start()
    spin(200000)
    small.stop()
    status = small.status()
    page = small.fetch(0, 5000)
    out["budget"] = {"status": status, "gap": page["gap"], "start": page["start"],
                     "stacks": page["stacks"]}
    print(json.dumps(out))


main()
