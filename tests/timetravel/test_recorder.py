"""The recorder alone, in-process on each interpreter (probe_recorder.py records real
functions and prints what it holds): in-place mutation before/after, user code only
(no stdlib, no eval'd code, no debugger), robust against restart_events(), never calling
a user __repr__, huge values truncated and marked, and the memory budget dropping the
oldest history while the first kept chunk still knows the open frames."""
import json
import os
import subprocess

import pytest

from dap.conftest import INTERPRETERS, OLDER_INTERPRETERS

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "probe_recorder.py")


def probe(python):
    out = subprocess.run([python, PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _line_of(marker_text):
    with open(PROBE, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip() == marker_text:
                return number
    raise KeyError(marker_text)


@pytest.mark.parametrize("python", INTERPRETERS + OLDER_INTERPRETERS)
def test_recorder_in_process(python):
    result = probe(python)
    expected_backend = "hot_monitoring" if result["python"] >= "3.12" and \
        result["python"] != "3.9" else "hot_settrace"
    assert result["backend"] == expected_backend
    # only the user's file: json (stdlib), eval'd code and the recorder are not recorded
    assert result["files"] == [PROBE]
    assert result["functions"] == ["<module>", "__init__", "grow", "hostile", "main", "mutate",
                                   "poke", "spin"]
    assert result["hostile"] == 1  # values that raise when looked at never break the program
    # what restartFrame re-enters with: the arguments as called, not as mutated since
    assert result["recorded_args"] == "[(([1, 2], {'k': (3, 's')}), {})]"
    # restart_events() re-armed what was disabled: still nothing else, and spin recorded
    assert result["spin_lines"] == [_line_of("total = 0")] + \
        [_line_of("for i in range(n):"), _line_of("total += i")] * 3 + \
        [_line_of("for i in range(n):"), _line_of("return total")]
    steps = result["mutate"]
    loop = _line_of("for i in range(3):")
    # `items = []` and each `items.append(i)` are captured when the next line (the loop
    # header) starts: stepping back to an append shows the list before it
    after = [s[2]["items"][1] for s in steps if s[0] == "line" and s[1] == loop
             and "items" in s[2]]
    assert after == ["[]", "[0]", "[0, 1]", "[0, 1, 2]"]
    by_line = {s[1]: s[2] for s in steps if s[0] == "line"}
    assert by_line[_line_of('d["k2"] = len(items)')]["d"][1] == "{'k': [0, 1, 2]}"
    assert by_line[_line_of("noisy = Noisy()")]["d"][1] == "{'k': [0, 1, 2], 'k2': 3}"
    noisy = by_line[_line_of("big = list(range(100000))")]["noisy"]
    assert noisy[1] == "<__main__.Noisy object>" and noisy[2] == [["label", ["str", "'n'", None, 0]]]
    assert result["repr_called"] is False
    big = by_line[_line_of('text = "x" * 1000000')]["big"]
    assert big[3] & 1 and len(big[2]) == 24 and big[1].endswith(", …]")
    text = by_line[_line_of("import json as stdlib_json")]["text"]
    assert text[3] & 1 and len(text[1]) < 200
    returned = [s for s in steps if s[0] == "return"]
    assert returned[0][2]["<return>"][1] == str(100000 + 1000000 + 1)
    budget = result["budget"]
    status = budget["status"]
    assert status["droppedSteps"] > 0 and status["earliest"] == status["droppedSteps"]
    assert status["bytes"] <= status["budget"] + 200000
    assert budget["gap"] is True and budget["start"] == status["earliest"]
    assert budget["stacks"]["0"][-1] >= 0  # spin's frame was open when the chunk began
