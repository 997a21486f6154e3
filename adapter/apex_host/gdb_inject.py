"""Runs inside gdb's embedded Python (``gdb -x gdb_inject.py``) against a stopped target.

Chooses the safe way to run ``APEX_INJECT_CODE`` (one line of Python source):

* the stopped (main) thread holds the GIL: ``Py_AddPendingCall(PyRun_SimpleString, code)``,
  which runs at the interpreter's next safe point;
* it does not (blocked in a system call with the GIL released): take the GIL with
  ``PyGILState_Ensure``, run the code, release it;
* it is inside malloc/free (gdb itself would call malloc to place the string): report
  ``retry`` without touching anything.

Inferior calls time out (and are unwound) instead of hanging. Prints one line
``APEX-RESULT <json>`` and detaches.
"""
import json
import os

import gdb  # noqa: provided by gdb

#: glibc's allocator: gdb calls the target's malloc to place the string we pass, which
#: deadlocks if the stopped thread holds malloc's lock. (CPython's own pymalloc is
#: protected by the GIL, not a lock gdb's malloc call would need.)
MALLOC_NAMES = ("malloc", "free", "calloc", "realloc", "cfree", "memalign", "valloc")
MALLOC_INTERNALS = ("_int_malloc", "_int_free", "_int_realloc", "_int_memalign", "tcache_",
                    "sysmalloc", "arena_get", "malloc_consolidate", "_mid_memalign")


def _is_malloc(name):
    base = name.replace("__GI___libc_", "").replace("__libc_", "")
    return base in MALLOC_NAMES or name.startswith(MALLOC_INTERNALS)


def _int(expr):
    return int(gdb.parse_and_eval(expr))


def _in_malloc():
    frame = gdb.newest_frame()
    depth = 0
    while frame is not None and depth < 12:
        name = frame.name() or ""
        if _is_malloc(name):
            return name
        frame = frame.older()
        depth += 1
    return None


def main():
    code = os.environ["APEX_INJECT_CODE"]
    literal = json.dumps(code, ensure_ascii=False)
    for setting in ("confirm off", "pagination off", "unwind-on-timeout on",
                    "unwindonsignal on", "direct-call-timeout 5", "indirect-call-timeout 5"):
        try:
            gdb.execute("set " + setting, to_string=True)
        except gdb.error:
            pass
    busy = _in_malloc()
    if busy:
        return {"route": "retry", "reason": "stopped inside %s" % busy}
    if _int("(int)Py_IsInitialized()") != 1:
        return {"route": "error", "message": "the interpreter is not initialised (starting "
                "or shutting down)"}
    if _int("(int)PyGILState_Check()") == 1:
        rc = _int("(int)Py_AddPendingCall((int (*)(void *))PyRun_SimpleString, (void *)%s)"
                  % literal)
        if rc != 0:
            return {"route": "error", "message": "Py_AddPendingCall refused (queue full)"}
        return {"route": "pending"}
    state = _int("(int)PyGILState_Ensure()")
    try:
        rc = _int("(int)PyRun_SimpleString(%s)" % literal)
    finally:
        gdb.execute("call (void)PyGILState_Release(%d)" % state, to_string=True)
    return {"route": "direct", "rc": rc}


try:
    RESULT = main()
except gdb.error as exc:
    RESULT = {"route": "error", "message": str(exc)}
except Exception as exc:  # never leave the target stopped because of a bug here
    RESULT = {"route": "error", "message": "%s: %s" % (type(exc).__name__, exc)}
print("APEX-RESULT " + json.dumps(RESULT))
try:
    gdb.execute("detach", to_string=True)
except gdb.error:
    pass
