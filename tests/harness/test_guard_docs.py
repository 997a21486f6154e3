"""docs/isolation.md's event table is generated from the guard's own mapping."""
from __future__ import annotations

from pathlib import Path

from apex_harness.guard import events_by_capability

DOC = Path(__file__).resolve().parents[2] / "docs" / "isolation.md"


def guard_table_rows() -> list[str]:
    return ["| %s | %s |" % (capability, ", ".join(f"`{e}`" for e in events))
            for capability, events in events_by_capability().items()]


def test_event_table_matches_the_guard():
    text = DOC.read_text()
    start = text.index("| capability | audit events |\n|---|---|\n")
    table = text[start:].split("\n\n", 1)[0].splitlines()[2:]
    assert table == guard_table_rows(), (
        "docs/isolation.md is stale; regenerate the table with:\n" + "\n".join(guard_table_rows()))
