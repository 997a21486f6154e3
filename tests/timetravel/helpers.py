"""Small steps shared by the time-travel tests (over the DAP test client)."""
from __future__ import annotations

from dap.conftest import output_text  # noqa: F401


def here(client, tid):
    """(function, line, [(function, line), ...]) of the thread's stack."""
    frames = client.frames(tid)
    return frames[0]["name"], frames[0]["line"], [(f["name"], f["line"]) for f in frames]


def locals_of(client, tid, frame=0):
    frame_id = client.frames(tid)[frame]["id"]
    variables = client.variables(client.scopes(frame_id)["Locals"])
    return {name: v["value"] for name, v in variables.items()
            if not name.startswith(("<", "__")) and name not in ("special variables",
                                                                 "function variables",
                                                                 "class variables")}


def back(client, tid, command="stepBack"):
    mark = client.mark()
    client.request(command, {"threadId": tid})
    return client.stopped(after=mark)


def forward(client, tid, command="next"):
    mark = client.mark()
    client.request(command, {"threadId": tid})
    return client.stopped(after=mark)
