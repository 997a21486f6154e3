"""Hot reload inside the target: patch changed workspace modules in place.

Small modules, like jurigged's split: ``codetools`` (definitions of a compiled module
and how two versions differ), ``recode`` (new code into live function objects),
``patcher`` (one module's new version applied to the live module), ``register`` (the
workspace's modules and their baselines), ``deps`` (modules that imported names from
a reloaded one), ``restart`` (frame restart), ``service`` (the process's reloader and
the file watcher), ``requests`` (the harness requests ``reload.*``). See
docs/hot-reload.md.
"""
from __future__ import annotations

from . import requests  # noqa: F401  (registers the reload.* harness requests)
