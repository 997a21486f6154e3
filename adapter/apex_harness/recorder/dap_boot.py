"""Recording in a program the debug adapter launches (called from apex_dap_boot.py).

``prepare(config_json)`` returns the function that starts recording; the boot script
calls it right before running the program, when debugpy is set up (on 3.9–3.11 the
recorder chains through debugpy's tracer, so debugpy must be there first). The adapter
pages history through the launch's one harness connection, which ``boot.py`` opened
before the program (and before pydevd, which is told to hide its threads).
"""
from __future__ import annotations

import json


def prepare(config_json: str):
    config = json.loads(config_json)

    def start_recording():
        from . import start
        start(config.get("workspace"), config.get("include") or (), config.get("exclude") or (),
              config.get("budgetBytes"))

    return start_recording
