"""Frame restart: unwind a paused frame to its caller and call its function again.

Python cannot rewind a frame: setting ``f_lineno`` back keeps the locals and the old
code object, and a new ``__code__`` only affects future calls. So a restartable
function is entered through a thin wrapper that remembers the call's arguments and
can call again:

* When restart support is enabled (the adapter does it at configurationDone when the
  policy allows ``restart_frame``), every plain function and method of a workspace
  module gets a **trampoline** as its ``__code__``: same parameters, same function
  object (identity, defaults, ``__dict__`` kept), whose body calls ``impl`` (a second
  function object running the original code, which hot reload patches) in a loop that
  calls it again when its frame is restarted; its own parameters hold the arguments. Modules imported later are
  instrumented when imported (an import hook wraps the loader of workspace files).
* ``arm(frame)`` (run on the paused thread through the debugger) makes that frame
  raise the private ``RestartFrame`` exception before any more of its old code runs.
  The trampoline catches it for exactly that frame and calls ``impl`` again with the
  same argument objects: the new code runs from its first line.

  On 3.12+ a ``sys.monitoring`` INSTRUCTION event on the paused frame's code raises it
  at its very next instruction. Before 3.12 the paused frame's trace function does:
  ``arm`` runs inside the debugger's line-event callback for that frame, and whatever
  that callback returns becomes ``frame.f_trace`` as the thread resumes, so a plain
  assignment would be overwritten. Instead ``f_trace`` gets a ``_Raiser``: when CPython
  (or the debugger) replaces it, its refcount drops to zero and ``__del__`` installs a
  fresh one over whatever was put there, so the raiser always has the last word. With
  opcode events on for that frame (``f_trace_opcodes``), it raises before the paused
  line's first instruction; CPython then turns tracing off for the thread (as
  it does for any exception out of a trace function), and the trampoline that catches
  the exception turns the debugger's tracer back on before calling again.

What is unwound: the frame and everything it called that is still on the stack
(``finally`` blocks and ``with`` exits run as the exception passes). What is not:
anything the partial run did to objects outside the frame (mutated arguments,
globals, files, output). Generators and coroutines are not wrapped (their frames
live on in the generator object); module-level code has no caller to return to.
Works on Python 3.9+ (``sys.monitoring`` on 3.12+, the frame's trace function before).
"""
from __future__ import annotations

import os
import sys
import threading
import types
import warnings

from . import codetools

#: Tool ids tried for the INSTRUCTION event, the first free one wins (debugpy holds 0;
#: the recorder and pause pick theirs from the same ids).
TOOL_IDS = (4, 3, 5, 2, 1)


class RestartFrame(BaseException):
    """Raised inside the frame being restarted; never escapes the trampoline of that frame."""

    def __init__(self, target, traced=False, tracer=None) -> None:
        super().__init__("apex: restarting %s" % getattr(target, "f_code", None))
        self.target = target
        # Before 3.12 the exception leaves a trace function, which turns tracing off for
        # the thread: ``tracer`` (the debugger's, or None) is what to turn back on.
        self.traced = traced
        self.tracer = tracer


class Unsupported(Exception):
    pass


def supported() -> bool:
    return hasattr(sys, "monitoring") or hasattr(sys, "settrace")


def _uses_monitoring() -> bool:
    return hasattr(sys, "monitoring")


def _again(exc) -> bool:
    """In a trampoline's ``except RestartFrame``: is this restart for the frame the
    trampoline called (then call again), or for one further out (then re-raise)?"""
    tb = exc.__traceback__
    frame = tb.tb_next.tb_frame if tb is not None and tb.tb_next is not None else None
    if frame is None or frame is not exc.target:
        return False
    exc.target = None
    if exc.traced:
        # CPython turned tracing off for this thread when the raiser raised; the
        # debugger's tracer sees the new call (and stops at its first line).
        exc.traced = False
        _set_trace(exc.tracer)
        exc.tracer = None
    _STATE.restarts += 1
    return True


# The trampoline: same parameters and free variables as the function, calls the
# original code (``impl``) and calls it again when its frame is restarted. The quoted
# names are placeholders replaced by the objects in the code's constants.
_TRAMPOLINE = '''
def _outer():
    {cells}
    def {name}({params}):
        if 0:
            ({free})
        while True:
            try:
                return "__apex_impl__"({call})
            except "__apex_restart__" as exc:
                if not "__apex_again__"(exc):
                    raise
    return {name}
'''


def _trampoline_code(code: types.CodeType) -> types.CodeType:
    """A code object with ``code``'s parameters and free variables calling ``impl``."""
    names = code.co_varnames
    posonly = list(names[:code.co_posonlyargcount])
    positional = list(names[code.co_posonlyargcount:code.co_argcount])
    keyword_only = list(names[code.co_argcount:code.co_argcount + code.co_kwonlyargcount])
    index = code.co_argcount + code.co_kwonlyargcount
    varargs = varkw = None
    if code.co_flags & 0x04:
        varargs = names[index]
        index += 1
    if code.co_flags & 0x08:
        varkw = names[index]
    params = list(posonly) + (["/"] if posonly else []) + positional
    if varargs:
        params.append("*" + varargs)
    elif keyword_only:
        params.append("*")
    params += keyword_only
    if varkw:
        params.append("**" + varkw)
    call = list(posonly) + positional
    if varargs:
        call.append("*" + varargs)
    call += ["%s=%s" % (k, k) for k in keyword_only]
    if varkw:
        call.append("**" + varkw)
    source = _TRAMPOLINE.format(
        cells="; ".join("%s = None" % f for f in code.co_freevars) or "pass",
        name=code.co_name if code.co_name.isidentifier() else "_f",
        params=", ".join(params), free=", ".join(code.co_freevars) + ("," if code.co_freevars else ""),
        call=", ".join(call))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module = compile(source, "<apex restart>", "exec")
    outer = [c for c in module.co_consts if isinstance(c, types.CodeType)][0]
    inner = [c for c in outer.co_consts if isinstance(c, types.CodeType)][0]
    return inner


def _is_trampoline(code: types.CodeType) -> bool:
    return code.co_filename == "<apex restart>"


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.impls = {}          # id(function) -> (function, impl)
        self.armed = {}          # id(code) -> (top frame, frame to restart)  (3.12+)
        self.armed_trace = {}    # id(top frame) -> (top, frame, tracer)  (before 3.12)
        self.tool = None
        self.enabled = False
        self.restarts = 0
        self.registry = None


_STATE = _State()


def impl_of(function):
    entry = _STATE.impls.get(id(function))
    if entry is not None and entry[0] is function:
        return entry[1]
    return function


def install(function, path=None) -> bool:
    """Give ``function`` a trampoline (idempotent); False when it cannot have one."""
    if not isinstance(function, types.FunctionType):
        return False
    code = function.__code__
    if _is_trampoline(code) or codetools.is_generator(code) or code.co_name.startswith("<"):
        return False
    if path is not None and not _same(code.co_filename, path):
        return False
    impl = types.FunctionType(code, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)
    impl.__kwdefaults__ = function.__kwdefaults__
    impl.__qualname__ = function.__qualname__
    impl.__module__ = function.__module__
    impl.__doc__ = function.__doc__
    trampoline = _trampoline_code(code)
    placeholders = {"__apex_impl__": impl, "__apex_restart__": RestartFrame,
                    "__apex_again__": _again}
    consts = tuple(placeholders.get(c, c) if isinstance(c, str) else c
                   for c in trampoline.co_consts)
    trampoline = trampoline.replace(co_consts=consts)
    with _STATE.lock:
        function.__code__ = trampoline
        # inspect.getsource/getfile/signature follow __wrapped__ to the real code (a
        # decorator's wrapper keeps the __wrapped__ functools.wraps gave it).
        if "__wrapped__" not in function.__dict__:
            function.__wrapped__ = impl
        _STATE.impls[id(function)] = (function, impl)
    return True


def _same(a: str, b: str) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return a == b


def instrument_module(module, path: str) -> int:
    """Trampolines for the module's functions and its classes' methods."""
    count = 0
    for value in list(vars(module).values()):
        count += _instrument_value(value, path, module.__name__, 0)
    return count


def _instrument_value(value, path, module_name, depth) -> int:
    if isinstance(value, types.FunctionType):
        count = 0
        for _ in range(8):   # the function, then what its decorators wrap
            inner = value.__dict__.get("__wrapped__")
            count += int(install(value, path))
            if not isinstance(inner, types.FunctionType):
                break
            value = inner
        return count
    if isinstance(value, type) and getattr(value, "__module__", None) == module_name and depth < 4:
        count = 0
        for member in list(vars(value).values()):
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            elif isinstance(member, property):
                continue    # accessors are short; not worth a wrapper
            count += _instrument_value(member, path, module_name, depth + 1)
        return count
    return 0


def enable(reloader) -> dict:
    """Turn restart support on: trampolines now and for later imports."""
    if not supported():
        raise Unsupported("frame restart needs sys.monitoring or sys.settrace, which this "
                          "interpreter does not have")
    with _STATE.lock:
        if _STATE.enabled:
            return {"restartFrame": True}
        if _uses_monitoring():
            _use_monitoring()
        _STATE.registry = reloader.registry
        _STATE.enabled = True
        reloader.restart = sys.modules[__name__]
    reloader.registry.after_import.append(instrument_module)
    reloader.registry.scan()
    for tracked in list(reloader.registry.files.values()):
        for module in tracked.modules():
            instrument_module(module, tracked.path)
    return {"restartFrame": True}


def _use_monitoring() -> None:
    monitoring = sys.monitoring
    for tool in TOOL_IDS:
        if monitoring.get_tool(tool) is None:
            monitoring.use_tool_id(tool, "apex-restart")
            _STATE.tool = tool
            break
    else:
        raise Unsupported("no free sys.monitoring tool id for frame restart")
    monitoring.register_callback(_STATE.tool, monitoring.events.INSTRUCTION, _on_instruction)


def _on_instruction(code, offset):
    frame = sys._getframe(1)
    entry = _STATE.armed.get(id(code))
    if entry is None or frame is not entry[0]:
        return
    del _STATE.armed[id(code)]
    sys.monitoring.set_local_events(_STATE.tool, code, 0)
    raise RestartFrame(entry[1])


def arm(frame, top=None) -> dict:
    """Make ``frame`` restart (call on its suspended thread).

    ``top`` is the innermost frame of that thread (default: ``frame`` itself): the
    exception is raised at its next instruction and unwinds every frame up to
    ``frame``'s trampoline, which calls again.
    """
    if not _STATE.enabled:
        raise Unsupported("frame restart is not enabled in this program (the policy "
                          "denies restart_frame)")
    code = frame.f_code
    back = frame.f_back
    if back is None or not _is_trampoline(back.f_code):
        if _is_trampoline(code):
            why = "that frame is Apex's restart wrapper; restart the frame it called"
        elif codetools.is_generator(code):
            why = "it is a generator or coroutine frame (its state lives in the generator)"
        elif code.co_name == "<module>":
            why = "it runs module-level code, which has no caller to return to"
        elif _STATE.registry is not None and not _STATE.registry.in_workspace(
                os.path.realpath(code.co_filename)):
            why = "its code is not in the workspace"
        else:
            why = ("it was entered before restart support wrapped %s (functions are wrapped "
                   "when their module is imported)" % code.co_name)
        raise Unsupported("cannot restart %s: %s" % (code.co_name, why))
    top = top if top is not None else frame
    walk = top
    while walk is not None and walk is not frame:
        walk = walk.f_back
    if walk is None:
        raise Unsupported("cannot restart %s: it is not on the paused thread's stack"
                          % code.co_name)
    if _uses_monitoring():
        _STATE.armed[id(top.f_code)] = (top, frame)
        sys.monitoring.set_local_events(_STATE.tool, top.f_code,
                                        sys.monitoring.events.INSTRUCTION)
    else:
        tracer = sys.gettrace()
        if tracer is None:
            # No debugger: trace events reach a frame's f_trace only while the thread
            # has a tracer; this one traces no new frame.
            _set_trace(_trace_no_new_frame)
        _STATE.armed_trace[id(top)] = (top, frame, tracer)
        top.f_trace = _Raiser(id(top))
        # The paused line has not run yet and its line event is over: an opcode event
        # calls the raiser before its first instruction.
        top.f_trace_opcodes = True
    return {"restarting": code.co_name, "line": code.co_firstlineno}


def _trace_no_new_frame(frame, event, arg):
    return None


def _set_trace(tracer) -> None:
    """Turn ``tracer`` back on for this thread the debugger's way (pydevd replaces
    ``sys.settrace`` by a function that warns the user against calling it)."""
    pydevd_tracing = sys.modules.get("pydevd_tracing")
    set_trace = getattr(pydevd_tracing, "SetTrace", None)
    if set_trace is not None:
        set_trace(tracer)
    else:
        sys.settrace(tracer)


class _Raiser:
    """``f_trace`` of an armed frame before 3.12 (see the module docstring): raises
    ``RestartFrame`` at the frame's next trace event and, while armed, puts a new
    raiser back whenever something replaces it."""

    __slots__ = ("key", "__weakref__")

    def __init__(self, key: int) -> None:
        self.key = key

    def __call__(self, frame, event, arg):
        entry = _STATE.armed_trace.pop(self.key, None)
        if entry is None or frame is not entry[0]:
            return None
        frame.f_trace_opcodes = False
        raise RestartFrame(entry[1], True, entry[2])

    def __del__(self) -> None:
        entry = _STATE.armed_trace.get(self.key)
        if entry is not None:
            try:
                entry[0].f_trace = _Raiser(self.key)
            except Exception:   # the frame has finished: nothing left to restart
                _STATE.armed_trace.pop(self.key, None)


def arm_dap_frame(frame_id) -> str:
    """``arm`` the frame a DAP client knows as ``frame_id`` (through debugpy's evaluate);
    returns JSON, never raises into the debugger."""
    import json
    try:
        frame = _find_pydevd_frame(frame_id)
        return json.dumps({"ok": True, **arm(frame, _paused_frame(frame))})
    except Exception as exc:
        return json.dumps({"ok": False, "error": str(exc) if isinstance(exc, Unsupported)
                           else "%s: %s" % (type(exc).__name__, exc)})


_DEBUGGER_PARTS = ("pydevd", "debugpy", os.sep + "apex_harness" + os.sep)


def _paused_frame(target):
    """The user frame the debugger paused this thread in (we run inside its callback,
    on the same thread): the first frame below ours that is neither the debugger's nor
    the evaluated expression's, on the way to ``target``."""
    walk = sys._getframe(1)
    while walk is not None and walk is not target:
        filename = walk.f_code.co_filename
        if not filename.startswith("<") and not any(p in filename for p in _DEBUGGER_PARTS):
            return walk
        walk = walk.f_back
    return target


def _find_pydevd_frame(frame_id):
    import pydevd
    from _pydevd_bundle._debug_adapter.pydevd_base_schema import BaseSchema
    frame_id = BaseSchema._translate_id_from_dap(frame_id)
    manager = pydevd.get_global_debugger().suspended_frames_manager
    for thread_id, tracker in list(manager._thread_id_to_tracker.items()):
        frame = tracker.find_frame(thread_id, frame_id)
        if frame is not None:
            return frame
    raise LookupError("frame %s is not suspended any more" % frame_id)


def status() -> dict:
    return {"enabled": _STATE.enabled, "wrapped": len(_STATE.impls),
            "restarts": _STATE.restarts, "tool": _STATE.tool}
