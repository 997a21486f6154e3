"""Start a program with the harness already inside.

    python <adapter>/apex_harness/boot.py script.py args...
    python <adapter>/apex_harness/boot.py -m package.module args...

It behaves like ``python script.py`` / ``python -m module`` (``sys.argv``,
``sys.path[0]``, ``__main__``), after reading its settings from the environment and
removing them, so the program and its children never see the token:

* ``APEX_HARNESS_CONNECT`` (``unix:/path`` | ``host:port``) + ``APEX_HARNESS_TOKEN``:
  dial the adapter before the program starts.
* ``APEX_HARNESS_LISTEN`` (``host:port``) + ``APEX_HARNESS_TOKEN``: accept adapters.
* ``APEX_HARNESS_GUARD``: JSON ``{"policy": {...}, "source": ..., "auditLog": ...,
  "debugger": [dirs], "auditState": dir}`` for the runtime guard (``debugger``: in
  debug sessions, the debugger's own code, exempt from the guard; ``auditState``: the
  host's audit key and anchors directory).
* ``APEX_HARNESS_RLIMITS``: JSON ``{"RLIMIT_AS": n, ...}`` applied soft = hard.
* ``APEX_HARNESS_PATHS``: extra ``os.pathsep`` directories appended to ``sys.path``
  for the harness's own imports (``apex_policy``).

Run as a file (not ``-m``) so that nothing needs installing into the target
interpreter: the directory holding this package is added to ``sys.path`` here.
"""
from __future__ import annotations

import os
import sys

SETTINGS = ("APEX_HARNESS_CONNECT", "APEX_HARNESS_LISTEN", "APEX_HARNESS_TOKEN",
            "APEX_HARNESS_GUARD", "APEX_HARNESS_RLIMITS", "APEX_HARNESS_PATHS")

#: Exit status when the harness cannot start as asked (the program never ran).
EXIT_BOOT_FAILED = 97


def _fail(message: str):
    sys.stderr.write("apex-harness: %s\n" % message)
    raise SystemExit(EXIT_BOOT_FAILED)


def take_settings(environ) -> dict:
    return {name: environ.pop(name) for name in SETTINGS if name in environ}


def apply_rlimits(limits: dict) -> None:
    import resource

    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (int(value), int(value)))


def start(settings: dict) -> None:
    """Everything the harness does before the program's first line."""
    for path in filter(None, settings.get("APEX_HARNESS_PATHS", "").split(os.pathsep)):
        if path not in sys.path:
            sys.path.append(path)
    if not settings:
        return
    token = settings.get("APEX_HARNESS_TOKEN")
    from . import pause

    # Until the program's first line this thread is the harness's: the guard (installed
    # first, so it is in place before any adapter can ask about it) ignores it.
    pause._BOOT_THREADS.add(pause.threading.get_ident())
    try:
        _start_parts(settings, token)
    finally:
        pause._BOOT_THREADS.clear()
    if "APEX_HARNESS_RLIMITS" in settings:
        # Last: limits such as RLIMIT_NOFILE must not stop the harness itself starting.
        import json

        apply_rlimits(json.loads(settings["APEX_HARNESS_RLIMITS"]))


def _start_parts(settings: dict, token) -> None:
    if "APEX_HARNESS_GUARD" in settings:
        import json

        from . import guard

        config = json.loads(settings["APEX_HARNESS_GUARD"])
        guard.install(config.get("policy") or {}, source=config.get("source", "apex run"),
                      audit_log=config.get("auditLog"), debugger=config.get("debugger"),
                      audit_state=config.get("auditState"))
    if "APEX_HARNESS_CONNECT" in settings:
        if not token:
            _fail("APEX_HARNESS_CONNECT needs APEX_HARNESS_TOKEN")
        from . import connect
        try:
            connect(settings["APEX_HARNESS_CONNECT"], token)
        except (OSError, EOFError) as exc:
            _fail("cannot reach the adapter at %s: %s" % (settings["APEX_HARNESS_CONNECT"], exc))
    if "APEX_HARNESS_LISTEN" in settings:
        from . import listen, wire
        _, (host, port) = wire.parse_address(settings["APEX_HARNESS_LISTEN"])
        try:
            address = listen(host, port, token)
        except (OSError, ValueError) as exc:
            _fail("cannot listen on %s: %s" % (settings["APEX_HARNESS_LISTEN"], exc))
        sys.stderr.write("apex-harness: listening on %s\n" % address)


def prepare_argv(argv) -> None:
    """Make sys.argv what ``python script.py`` / ``-m`` would make it."""
    if not argv:
        _fail("usage: boot.py script.py [args] | -m module [args]")
    if argv[0] == "-m":
        if len(argv) < 2:
            _fail("-m needs a module name")
        sys.argv = ["-m"] + list(argv[2:])
    else:
        sys.argv = list(argv)


def prepare_path(argv) -> None:
    """sys.path[0] as python sets it. Only after the harness has imported what it needs,
    so a program's own ``re.py`` or ``queue.py`` cannot shadow the harness's imports."""
    if argv[0] == "-m":
        sys.path[0] = os.getcwd()
    else:
        sys.path[0] = os.path.dirname(os.path.realpath(argv[0]))


def run_program(argv) -> None:
    if argv[0] == "-m":
        import runpy

        # What `python -m` itself calls; sets sys.argv[0] and __main__ like it does.
        runpy._run_module_as_main(argv[1], alter_argv=True)
    else:
        run_script(argv[0])


def run_script(path: str) -> None:
    """Run ``path`` in the real ``__main__`` module, as ``python path`` does.

    (``runpy.run_path`` would use a temporary module and import pkgutil: slower, and
    ``sys.modules['__main__']`` would not be the module the program runs in.)
    """
    import io

    try:
        with io.open_code(path) as handle:
            source = handle.read()
    except OSError as exc:
        sys.stderr.write("%s: can't open file %r: [Errno %s] %s\n" % (
            sys.executable, path, exc.errno, exc.strerror))
        raise SystemExit(2)
    main = sys.modules["__main__"]
    loader_type = type(getattr(main, "__loader__", None))
    namespace = main.__dict__
    builtins = namespace.get("__builtins__")
    namespace.clear()
    namespace.update(__name__="__main__", __doc__=None, __package__=None, __spec__=None,
                     __file__=path, __builtins__=builtins, __cached__=None)
    try:
        namespace["__loader__"] = loader_type("__main__", path)
    except Exception:
        namespace["__loader__"] = None
    exec(compile(source, path, "exec", dont_inherit=True), namespace)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    settings = take_settings(os.environ)
    prepare_argv(argv)
    start(settings)
    prepare_path(argv)
    run_program(argv)


if __name__ == "__main__":
    # Running as a file: make `apex_harness` importable from its parent directory.
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[0] = os.path.dirname(_here)
    from apex_harness.boot import main as _main

    _main()
