"""The adapter's history model over real recorder pages (in-process, this interpreter):
paging, the start of a history whose older part was dropped (open frames come from the
chunk's stacks), navigation both ways, and a save/load round trip of the file."""
import os
import sys

from apex_dap import recording_file
from apex_dap.history.model import History
from apex_harness.recorder import Recorder


def countdown(n):
    total = 0
    while n > 0:
        total += n
        n -= 1
    return total


def outer():
    return countdown(30000)


def record(**kwargs):
    rec = Recorder(workspace=os.path.dirname(os.path.abspath(__file__)), **kwargs)
    rec.start()
    try:
        outer()
    finally:
        rec.stop()
    return rec


def pull(rec, page=7000):
    history = History()
    while True:
        body = rec.fetch(history.end, page, len(history.codes))
        history.add_page(body)
        if body["end"] >= body["latest"]:
            return history


def test_paged_history_navigates_both_ways():
    history = pull(record())
    slot = 0
    assert history.code(history.frame_at(history.last_line(slot)).cidx)[1] == "record"
    loop = next(f for f in history.frames if history.code(f.cidx)[1] == "countdown")
    position = loop.lines[-1]  # `return total`
    assert [history.code(f.cidx)[1] for f, _ in history.stack(slot, position)] == \
        ["countdown", "outer", "record"]
    # walk back through countdown's loop and forward again to the same place
    trail = [position]
    for _ in range(50):
        position = history.step_back(position)
        trail.append(position)
    for expected in reversed(trail[:-1]):
        position = history.step_over(position)
        assert position == expected
    # past the frame's end, step over continues in the caller
    assert history.code(history.frame_at(history.step_over(trail[0])).cidx)[1] == "record"
    frame = history.frame_at(trail[10])
    values = history.locals_at(frame, trail[10])
    assert set(values) <= {"n", "total"} and values["n"][0] == "int"


def test_history_that_lost_its_oldest_part_still_has_whole_stacks(tmp_path):
    rec = record(budget=1 << 20, chunk_events=4000)
    assert rec.store.dropped_steps > 0
    history = pull(rec)
    assert history.first == rec.store.earliest and history.dropped
    first_line = history.first_line(0)
    stack = [history.code(f.cidx)[1] for f, _ in history.stack(0, first_line)]
    assert stack[0] == "countdown" and "outer" in stack  # opened before the cut
    assert history.step_back(first_line) is None or history.step_back(first_line) >= history.first
    # saved and loaded: identical events, values and navigation
    path = str(tmp_path / "cut.apexrec")
    recording_file.save(path, history, program="test", python=sys.version.split()[0])
    loaded = recording_file.to_history(*recording_file.load(path))
    assert loaded.first == history.first and list(loaded.events) == list(history.events)
    assert loaded.values == history.values
    position = loaded.last_line(0)
    assert [f.cidx for f, _ in loaded.stack(0, position)] == \
        [f.cidx for f, _ in history.stack(0, position)]
