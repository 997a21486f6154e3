"""The runtime guard: a PEP 578 audit hook applying the effective policy.

It maps audit events to the policy's capabilities (``socket.connect`` -> ``network``,
``subprocess.Popen`` -> ``subprocess``, ``open`` for writing -> ``filesystem_write`` ...)
and asks ``apex_policy.runtime.RuntimePolicy.decide``:

* ``deny``: the operation raises ``PermissionError`` naming the capability and the
  policy source (and is written to the audit log);
* ``audit``: the operation goes ahead and is written to the audit log;
* ``allow``: nothing happens. Capabilities allowed outright (by the project's rule and
  every override) are not even looked at, so in development mode (everything allowed)
  no hook is installed at all.

For a capability some ``[[tool.apex.overrides]]`` entry names, the decision depends on
the file making the call: only then does the hook walk the stack to the nearest user
file (:func:`caller_finder`) and pass it to ``decide``.

**This is a tripwire, not a security boundary.** Audit hooks run inside the process
they police: native code, some interpreter internals and effects that raise no audit
event get past them (see docs/isolation.md). Isolation mode puts the OS boundary
(namespaces, rlimits, cgroups) around the process; this guard only reports and stops
the ordinary ways in.
"""
from __future__ import annotations

import functools
import os
import sys
import threading

_WRITE_FLAGS = (os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC)
_HERE = os.path.dirname(os.path.abspath(__file__))
#: Frames in these files run the program or import modules: their exec/compile/marshal
#: is the interpreter's business, not "dynamic code" the program chose to run.
_STDLIB = os.path.dirname(os.__file__)
_LOADER_FILES = ("<frozen importlib", "<frozen zipimport", "<frozen runpy", _HERE,
                 os.path.join(_STDLIB, "runpy.py"))
#: Standard-library modules that generate code from their own templates at import time
#: (namedtuple, dataclasses, typing, enum) or only parse (ast.literal_eval): their
#: exec/compile is not the program running code of its choosing. timeit, code, pdb &
#: co. run code they are given and stay policed.
_CODEGEN_FILES = _LOADER_FILES + tuple(os.path.join(_STDLIB, name) for name in (
    "collections" + os.sep + "__init__.py", "dataclasses.py", "typing.py", "enum.py",
    "functools.py", "string.py", "ast.py"))


def _first(args):
    return args[0] if args else None


def _address(args):
    return args[1] if len(args) > 1 else None


def _open_target(args):
    path, mode, flags = (tuple(args) + (None, None, None))[:3]
    if isinstance(path, int):
        return None, None                    # os.fdopen & co: no path to judge
    write = bool(flags & _WRITE_FLAGS) if isinstance(flags, int) else \
        any(c in (mode or "") for c in "wax+")
    return ("filesystem_write" if write else "filesystem_read"), path


def _popen_target(args):
    executable, argv = (tuple(args) + (None, None))[:2]
    return argv if argv else executable


def _exec_target(args):
    return args[1] if len(args) > 1 else _first(args)


def _find_class_target(args):
    return "%s.%s" % (args[0], args[1]) if len(args) > 1 else _first(args)


#: audit event -> (capability, target extractor). ``open`` picks read or write itself.
EVENTS = {
    "socket.connect": ("network", _address),
    "socket.sendto": ("network", _address),
    "socket.sendmsg": ("network", _address),
    "socket.bind": ("network", _address),
    "socket.getaddrinfo": ("network", lambda a: (a[0], a[1]) if len(a) > 1 else _first(a)),
    "socket.gethostbyname": ("network", _first),
    "socket.gethostbyaddr": ("network", _first),
    "subprocess.Popen": ("subprocess", _popen_target),
    "os.system": ("subprocess", _first),
    "os.exec": ("subprocess", _exec_target),
    "os.posix_spawn": ("subprocess", _exec_target),
    "os.spawn": ("subprocess", lambda a: a[2] if len(a) > 2 else None),
    "os.fork": ("subprocess", lambda a: "fork"),
    "os.forkpty": ("subprocess", lambda a: "forkpty"),
    "pty.spawn": ("subprocess", _first),
    "open": (None, _open_target),
    "os.remove": ("filesystem_write", _first),
    "os.rename": ("filesystem_write", _first),
    "os.rmdir": ("filesystem_write", _first),
    "os.mkdir": ("filesystem_write", _first),
    "os.chmod": ("filesystem_write", _first),
    "os.chown": ("filesystem_write", _first),
    "os.truncate": ("filesystem_write", _first),
    "os.link": ("filesystem_write", _address),
    "os.symlink": ("filesystem_write", _address),
    "os.utime": ("filesystem_write", _first),
    "shutil.rmtree": ("filesystem_write", _first),
    "exec": ("dynamic_code", lambda a: getattr(_first(a), "co_filename", None)),
    "compile": ("dynamic_code", lambda a: a[1] if len(a) > 1 else None),
    "ctypes.dlopen": ("native_code", _first),
    "ctypes.dlsym": ("native_code", _address),
    "ctypes.call_function": ("native_code", _first),
    "ctypes.cdata": ("native_code", _first),
    "pickle.find_class": ("deserialization", _find_class_target),
    "marshal.loads": ("deserialization", lambda a: "marshal"),
    "marshal.load": ("deserialization", lambda a: "marshal"),
    "os.putenv": ("environment", _first),
    "os.unsetenv": ("environment", _first),
}

def events_by_capability() -> dict:
    """capability -> the audit events mapped to it, in EVENTS order (docs are generated
    from this; ``open`` counts for both file-system capabilities)."""
    out = {}
    for event, (capability, _) in EVENTS.items():
        for name in ((capability,) if capability else ("filesystem_write", "filesystem_read")):
            out.setdefault(name, []).append(event)
    return out


#: Events that run the interpreter's own machinery when called from a loader frame.
_LOADER_EVENTS = frozenset(("exec", "compile", "marshal.loads", "marshal.load", "open"))

#: Ways to reach the guard's own objects from Python; refused while anything is denied.
_INTROSPECTION = frozenset(("gc.get_objects", "gc.get_referrers", "gc.get_referents"))
#: Events the guard looks at for its own integrity, whatever the policy.
_GUARD_EVENTS = _INTROSPECTION | frozenset(("object.__setattr__", "object.__getattr__"))


class GuardStats:
    """What the guard has decided so far (for ``guard.status`` and run reports)."""

    def __init__(self, source: str, mode: str) -> None:
        self.source = source
        self.mode = mode
        self.counts = {"audit": 0, "deny": 0}
        self.recent = []

    def note(self, record: dict) -> None:
        self.counts[record["decision"]] = self.counts.get(record["decision"], 0) + 1
        self.recent.append(record)
        del self.recent[:-50]


_INSTALLED = []
_DEBUGGER_CELLS = []   # each installed hook's debugger exemption


def allow_debugger(debugger) -> int:
    """Exempt a debugger attached to a running program (``debugger`` as for
    :func:`install`) from the guards already installed, as a debug launch exempts its
    own; returns how many. Only the harness's threads (an authenticated adapter's
    request) may ask: a program thread gets 0."""
    from . import pause

    if threading.get_ident() not in pause._HARNESS_THREADS:
        return 0
    work = debugger_exemption(debugger)
    for cell in _DEBUGGER_CELLS:
        cell[0] = work
    return len(_DEBUGGER_CELLS)


def _loader_frame(depth: int, trusted) -> bool:
    try:
        frame = sys._getframe(depth)
    except ValueError:
        # No Python caller: the interpreter itself (e.g. printing a traceback at exit).
        return True
    return frame.f_code.co_filename.startswith(trusted)


def _library_dirs() -> tuple:
    """Directories whose code is never "the file making the call" for an override: the
    standard library, installed packages, the harness and apex_policy."""
    import sysconfig

    import apex_policy

    dirs = {_STDLIB, _HERE, os.path.dirname(os.path.abspath(apex_policy.__file__))}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(sysconfig.get_paths()[name])
        except (KeyError, ValueError):
            pass
    try:
        import site

        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except Exception:  # some embedded interpreters have no site data
        pass
    return tuple(os.path.join(os.path.abspath(d), "") for d in dirs if d)


def caller_finder(start_cwd: str):
    """A function frame -> the user's source file nearest to it (an absolute path) or
    None. It walks outwards past the standard library, installed packages, the harness,
    apex_policy and code without a file (``<frozen ...>``, ``<string>``), like the
    static analysis, which judges a call by the file it is written in: a library
    call made from ``src/net/client.py`` is that file's call. Only decisions that
    depend on ``[[tool.apex.overrides]]`` pay for the walk."""
    library = _library_dirs()
    marker_dirs = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
    classified = {}   # co_filename -> absolute path, or "" for library code

    def classify(name):
        if not name or name.startswith("<"):
            return ""
        path = os.path.normpath(os.path.join(start_cwd, name))
        if path.startswith(library) or any(m in path for m in marker_dirs):
            return ""
        return path

    def calling_file(frame):
        while frame is not None:
            name = frame.f_code.co_filename
            path = classified.get(name)
            if path is None:
                path = classified[name] = classify(name)
            if path:
                return path
            frame = frame.f_back
        return None

    return calling_file


#: pydevd functions the debugger enters on a program's thread: where it suspends the
#: thread and serves requests on it (evaluate, variables), and where its tracer
#: evaluates breakpoint conditions and logpoint messages. An event reached from one of
#: them with no user frame in between is the debugger's own work.
_DEBUGGER_ROOTS = frozenset(("do_wait_suspend", "_do_wait_suspend",
                             "handle_breakpoint_condition", "handle_breakpoint_expression"))


def debugger_exemption(debugger):
    """A function frame -> True when the event is the debugger's own machinery.

    Only debug sessions pass ``debugger``: ``{"paths": [dirs], "roots": [names]}``
    (or just the list of dirs) naming the debugger's code (debugpy, vendoring pydevd;
    the adapter's helpers) and its entry points beyond pydevd's, so ``apex run`` never
    pays for this walk. (Apex's debug boot marks its thread as a boot thread until the
    program starts instead.) From the code that raised the event it walks outwards over
    the standard library and the harness:

    * a user frame first (the program, an installed library, or ``<string>``: an
      expression typed in the debug console, a ``__repr__`` the variables view calls)
      means the event is the program's, and the policy applies;
    * a debugger root (:data:`_DEBUGGER_ROOTS` and ``roots``) with no user frame in
      between means the debugger is at work on the program's thread: compiling the
      console's expression (gated as the ``evaluate`` debug operation), a breakpoint
      condition or a state edit's value, reading frames; what that code then does runs
      in its own frames (``<string>``) and is policed;
    * the bottom of a stack that holds debugger frames and no user frame is exempt only
      on pydevd's own threads (reader, writer, connection listener).
    """
    import apex_policy

    if isinstance(debugger, dict):
        dirs, roots = debugger.get("paths") or (), _DEBUGGER_ROOTS.union(
            debugger.get("roots") or ())
    else:
        dirs, roots = debugger, _DEBUGGER_ROOTS
    debugger = tuple(os.path.join(os.path.abspath(d), "") for d in dirs if d)
    harness = (os.path.join(_HERE, ""),
               os.path.join(os.path.dirname(os.path.abspath(apex_policy.__file__)), ""))
    stdlib = os.path.join(_STDLIB, "")
    marker_dirs = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)
    kinds = {}   # co_filename -> "debugger" | "skip" | "user"

    def kind_of(name):
        if name.startswith(debugger):
            return "debugger"
        if name.startswith(harness) or name.startswith("<frozen "):
            return "skip"
        if name.startswith(stdlib) and not any(m in name for m in marker_dirs):
            return "skip"
        return "user"

    def exempt(frame):
        seen_debugger = False
        while frame is not None:
            code = frame.f_code
            kind = kinds.get(code.co_filename)
            if kind is None:
                kind = kinds[code.co_filename] = kind_of(code.co_filename)
            if kind == "user":
                return False
            if kind == "debugger":
                if code.co_name in roots:
                    return True
                seen_debugger = True
            frame = frame.f_back
        return seen_debugger and bool(getattr(threading.current_thread(),
                                              "is_pydev_daemon_thread", False))

    return exempt


def install(policy_dict: dict, source: str = "", audit_log=None,
            debugger=None, audit_state=None):
    """Install the hook for this policy; returns its GuardStats (None: nothing to guard).
    ``debugger``: debugpy's and Apex's debug-boot directories, in debug sessions (their
    own machinery is exempt, see :func:`debugger_exemption`); ``audit_state``: the
    host's audit state directory (key and anchors), default the program's own."""
    from apex_policy.audit import AuditLog
    from apex_policy.audit_anchor import AnchorStore
    from apex_policy.runtime import RuntimePolicy

    from . import pause

    policy = RuntimePolicy.from_dict(policy_dict)
    source = source or policy.source or "policy"

    def restricted(capability):  # anywhere: the project's rule or an override's
        return any(action != "allow" for action in policy.actions(capability))

    watched = {}
    for event, (capability, extract) in EVENTS.items():
        if capability is None:      # open: read or write
            if restricted("filesystem_write") or restricted("filesystem_read") or \
                    policy._scopes.get("filesystem_read"):
                watched[event] = (None, extract)
        elif restricted(capability):
            watched[event] = (capability, extract)
    anything_denied = any("deny" in policy.actions(c)
                          for c in set(policy._actions) | policy.path_dependent)
    stats = GuardStats(source, policy.mode)
    _INSTALLED.append(stats)
    if not watched:
        return stats

    audit = policy.audit or {}
    # audit_log=False: the host writes the log from our events (isolated runs, where the
    # program must not be able to reach the log file).
    log_path = None if audit_log is False else \
        audit_log or (audit.get("path") if audit.get("enabled", True) else None)
    # The host's state directory (audit key and anchors) when it names one: a program
    # whose HOME differs from the host's must still sign with the host's key.
    anchors = AnchorStore(audit_state) if audit_state else None
    log = AuditLog(log_path, mode=policy.mode, anchors=anchors) if log_path else None
    decide = policy.decide
    path_dependent = policy.path_dependent
    calling_file = caller_finder(os.getcwd()) if path_dependent else None
    # A cell: a debugger attached later is exempted too (allow_debugger).
    debugger_work = [debugger_exemption(debugger) if debugger else None]
    _DEBUGGER_CELLS.append(debugger_work)
    root = policy.root
    harness_threads = pause._HARNESS_THREADS
    boot_threads = pause._BOOT_THREADS
    busy = threading.local()
    guard_code = set()
    get_ident = threading.get_ident
    protected_modules = ("apex_harness", "apex_policy")

    def _exempt(ident):
        return ident in harness_threads or ident in boot_threads

    def rule_source(capability, caller):
        """The override that decided for the calling file (``pyproject.toml:12``), else
        the policy's source as the host named it."""
        if caller is None:
            return source
        found = policy.rule_source(capability, caller)
        return source if found == policy.source else found

    def record(capability, decision, event, target, caller=None):
        entry = {"capability": capability, "decision": decision, "event": event,
                 "target": _printable(target), "source": source}
        if caller is not None:
            entry["caller"] = _relative(caller, root)
            entry["source"] = rule_source(capability, caller)
        stats.note(entry)
        if log is not None:
            try:
                details = {"event": event, "source": entry["source"]}
                if caller is not None:
                    details["caller"] = entry["caller"]
                log.append("runtime." + capability, target=entry["target"],
                           outcome="denied" if decision == "deny" else "allowed",
                           details=details)
            except Exception:
                pass
        try:
            from . import emit
            emit("guard", entry)
        except Exception:
            pass

    def refuse(capability, event, target, why, caller=None):
        record(capability, "deny", event, target, caller)
        if caller is not None:
            why += " (called from %s)" % _relative(caller, root)
        return PermissionError("apex runtime guard: %s denied by the policy (%s): %s %s%s" % (
            capability, rule_source(capability, caller), event, _printable(target), why))

    def check(event, args):
        """The decision for one event: an exception to raise, or None. Never raises."""
        if getattr(busy, "on", False):
            return None        # the guard's own work (audit log, events) is not policed
        busy.on = True
        try:
            return judge(event, args)
        except Exception:      # a bug here must not break the program
            return None
        finally:
            busy.on = False

    def judge(event, args):
        entry = watched.get(event)
        if entry is None:
            if event in _INTROSPECTION and anything_denied:
                work = debugger_work[0]
                if _exempt(get_ident()) or (work is not None and work(sys._getframe(3))):
                    return None
                return refuse("guard_integrity", event, None,
                              " (walking the heap could reach the guard)")
            if event == "object.__setattr__" and args:
                owner = getattr(args[0], "__module__", None)
                if isinstance(owner, str) and owner.startswith(protected_modules):
                    return refuse("guard_integrity", event,
                                  args[1] if len(args) > 1 else None, " (patching the guard)")
            elif event == "object.__getattr__" and len(args) > 1 and args[1] == "tb_frame":
                if args[0].tb_frame.f_code in guard_code:
                    return refuse("guard_integrity", event, "guard frame",
                                  " (reading the guard's frame)")
            return None
        if _exempt(get_ident()):
            return None
        capability, extract = entry
        # Frames: 0 judge, 1 check, 2 _hook, 3 the code that raised the event.
        if event in _LOADER_EVENTS and _loader_frame(
                4, _LOADER_FILES if event == "open" else _CODEGEN_FILES):
            return None
        work = debugger_work[0]
        if work is not None and work(sys._getframe(3)):
            return None
        try:
            target = extract(args)
            if capability is None:
                capability, target = target
                if capability is None:
                    return None
            caller = calling_file(sys._getframe(3)) \
                if capability in path_dependent else None
            decision = decide(capability, target, caller)
        except Exception:
            return None
        if decision == "allow":
            return None
        if decision == "audit":
            record(capability, "audit", event, target, caller)
            return None
        return refuse(capability, event, target, "", caller)

    # Only the state-holding functions: a denial's traceback shows _hook's frame, which
    # holds nothing of the guard, so printing it (traceback, logging, a debugger) works.
    guard_code.update((check.__code__, judge.__code__, refuse.__code__, record.__code__))
    sys.addaudithook(functools.partial(_hook, frozenset(watched) | _GUARD_EVENTS, check))
    return stats


def _hook(interesting, check, event, args):
    """The audit hook (bound to its guard by functools.partial, which Python cannot
    reach). A denial's traceback keeps this frame: nothing of the guard is left in it."""
    if event not in interesting:
        return         # most events (imports, sys._getframe, ...): nothing to do
    try:
        error = check(event, args)
    except BaseException:
        del check, interesting
        raise
    if error is not None:
        del check, interesting
        raise error


def _printable(target):
    if target is None or isinstance(target, (str, int, float, bool)):
        return target
    if isinstance(target, bytes):
        return os.fsdecode(target)
    if isinstance(target, (list, tuple)):
        return [_printable(t) for t in target][:20]
    try:
        return os.fspath(target)
    except TypeError:
        return repr(target)[:200]


def _relative(path, root):
    inside = path.startswith(os.path.join(root, ""))
    return os.path.relpath(path, root) if inside else path


def status() -> dict:
    if not _INSTALLED:
        return {"installed": False}
    stats = _INSTALLED[-1]
    return {"installed": True, "source": stats.source, "mode": stats.mode,
            "counts": dict(stats.counts), "recent": list(stats.recent)}


def _register_handlers() -> None:
    from . import handlers

    @handlers.register("guard.status")
    def _status(arguments, session):
        return status()


_register_handlers()
