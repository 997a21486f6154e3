"""State-edit scenarios: each @marker is a stop where the test edits something."""
import json

G = 1


class Box:
    def __init__(self):
        self.attr = "a"


def report(tag, **values):
    print("REPORT " + json.dumps({"tag": tag, **values}), flush=True)


def inner(depth):
    x = 10
    y = depth  # @inner
    x = x + 0
    report("inner", x=x, y=y, G=G)  # @inner_after
    return x


def outer():
    local_in_outer = 5
    result = inner(1)  # @outer_call
    report("outer", local_in_outer=local_in_outer, result=result)
    return result


def closure():
    cell = "before"

    def reader():
        return cell

    mark = 0  # @closure
    report("closure", cell=cell, reader=reader())
    return reader


def containers():
    box = Box()
    d = {"k": 1}
    lst = [1, 2, 3]
    mark = 0  # @containers
    report("containers", attr=box.attr, d=d, lst=lst)


def globals_edit():
    mark = 0  # @globals
    step = 1  # @globals_step
    report("globals", G=G, has_local_G="G" in locals())


if __name__ == "__main__":
    outer()
    closure()
    containers()
    globals_edit()
    report("end", G=G)  # @end
