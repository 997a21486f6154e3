"""``apexHotReload``: patch changed workspace modules inside the running program.

The work happens in the harness (``apex_harness/reload``); this module gates each
file with the policy's ``hot_reload`` operation, audits what was applied (a diff
summary: patched, added, removed, refused), shows the report in the debug console
and sends ``invalidated`` so the editor refreshes stacks and variables.

At ``configurationDone`` (before the program's first line) it asks the harness to
track the workspace's modules, and, when ``restart_frame`` is allowed, to prepare frame
restart (any target Python, 3.9+); only once the harness confirms does a
``capabilities`` event say ``supportsRestartFrame`` (see ``restart_frame.py``).
"""
from __future__ import annotations

import os
import weakref
from typing import Annotated, Any

import msgspec

from .. import extensions
from ..engine.policy_gate import PolicyRefused
from ..protocol import messages as m
from ..protocol.server import RequestError


class HotReloadArguments(m.Args, kw_only=True):
    """Arguments of the ``apexHotReload`` request."""

    paths: Annotated[list[str] | None, msgspec.Meta(description=(
        "Files to reload; default: every workspace module changed since the last reload."
    ))] = None
    rerun: Annotated[bool, msgspec.Meta(description=(
        "Also re-run changed module-level assignments (by default module globals are the "
        "program's state and are kept)."))] = False


class ReloadState:
    """What this feature knows about one session."""

    def __init__(self) -> None:
        self.enabled = False
        self.restart = False
        self.restart_reason = "hot reload is not prepared in this session"
        self.roots: list[str] = []


_STATES: weakref.WeakKeyDictionary[Any, ReloadState] = weakref.WeakKeyDictionary()


def state(session) -> ReloadState:
    found = _STATES.get(session)
    if found is None:
        found = _STATES[session] = ReloadState()
    return found


def _roots(session) -> list[str]:
    roots = []
    args = session.args
    cwd = getattr(args, "cwd", None)
    if cwd:
        roots.append(os.path.abspath(cwd))
    program = getattr(args, "program", None)
    if program and session.program_name and os.path.isfile(session.program_name):
        roots.append(os.path.dirname(session.program_name))
    loaded = getattr(session.policy, "loaded", None)
    if getattr(loaded, "root", None):
        roots.append(str(loaded.root))
    if not roots:
        roots.append(os.getcwd())
    return sorted(set(roots))


def _allowed(session, operation: str) -> bool:
    """Whether the policy lets ``operation`` touch some file (a permission limited to
    paths counts: each reloaded file is checked on its own)."""
    if session.policy is None:
        return False
    try:
        session.policy.check(operation, anywhere=True)
        return True
    except PolicyRefused:
        return False


async def prepare(session) -> None:
    """Track the workspace (and prepare restart) before the program's first line."""
    st = state(session)
    if session.harness is None or st.enabled or not _allowed(session, "hot_reload"):
        return
    st.roots = _roots(session)
    want_restart = _allowed(session, "restart_frame")
    try:
        body = await extensions.harness_request(session, "reload.enable",
                                                {"roots": st.roots, "restart": want_restart},
                                                timeout=10)
    except RequestError as exc:
        if not want_restart:
            session.send_event("output", {"category": "console",
                                          "output": f"Apex: hot reload unavailable: {exc}\n"})
            return
        # Restart is what failed (e.g. no free sys.monitoring tool id): reload without it.
        st.restart_reason = str(exc)
        try:
            body = await extensions.harness_request(session, "reload.enable",
                                                    {"roots": st.roots}, timeout=10)
        except RequestError:
            return
    st.enabled = True
    st.restart = bool(body.get("restartFrame"))
    if st.restart:
        st.restart_reason = ""
        session.send_event("capabilities", {"capabilities": {"supportsRestartFrame": True}})
    elif body.get("restartReason"):
        st.restart_reason = body["restartReason"]
    elif not want_restart:
        st.restart_reason = "the policy does not allow restart_frame"
    elif st.restart_reason.startswith("hot reload is not"):
        st.restart_reason = "frame restart could not be prepared in this program"


@extensions.request("configurationDone")
async def configuration_done(session, request) -> Any:
    """Prepare hot reload first (the program starts running at configurationDone)."""
    try:
        await prepare(session)
    except Exception as exc:   # never block the session on the reloader
        session.send_event("output", {"category": "console",
                                      "output": f"Apex: hot reload could not start: {exc}\n"})
    return await session.configurationDone_request(request)


@extensions.request("apexHotReload")
async def hot_reload(session, request) -> dict[str, Any]:
    args = m.parse(request.arguments, HotReloadArguments)
    session.gate("hot_reload", "apexHotReload", anywhere=True)
    st = state(session)
    if not st.enabled:
        await prepare(session)
    paths = [os.path.abspath(p) for p in args.paths] if args.paths else None
    if paths is None:
        status = await extensions.harness_request(session, "reload.status",
                                                  {"roots": st.roots})
        paths = [mod["path"] for mod in status.get("modules", []) if mod.get("changed")]
    allowed, denied = [], []
    for path in paths:
        try:
            session.policy.check("hot_reload", path=path)
            allowed.append(path)
        except PolicyRefused as exc:
            denied.append({"name": path, "reason": str(exc)})
    if allowed:
        report = await extensions.harness_request(
            session, "reload.apply", {"paths": allowed, "rerun": args.rerun, "roots": st.roots})
    else:
        report = {"applied": True, "modules": [], "errors": [], "patched": [], "added": [],
                  "removed": [], "refused": [], "kept": [], "stale": [], "skipped": [],
                  "summary": "hot reload: no changed workspace module"}
    report["refused"] = denied + list(report.get("refused") or [])
    if denied:
        report["summary"] += f"; {len(denied)} file(s) refused by the policy"
    _audit(session, allowed, denied, report)
    _announce(session, report)
    return report


def _audit(session, allowed, denied, report) -> None:
    if session.audit is None:
        return
    for entry in denied:
        session.audit.record("hot_reload", outcome="denied", target=entry["name"],
                             session=session.program_name, reason=entry["reason"])
    if allowed:
        session.audit.record(
            "hot_reload", target=allowed, session=session.program_name,
            applied=report.get("applied"), summary=report.get("summary"),
            diff={key: [e.get("name") for e in report.get(key) or []]
                  for key in ("patched", "added", "removed", "refused", "kept")},
            errors=report.get("errors"))


def _announce(session, report) -> None:
    lines = [report.get("summary", "hot reload")]
    for key in ("refused", "kept", "stale"):
        for entry in report.get(key) or []:
            name = entry.get("name")
            if key == "stale":
                name = f"{entry.get('module')}.{name}"
            lines.append(f"  {key} {name}: {entry.get('reason')}")
    category = "important" if report.get("errors") else "console"
    session.send_event("output", {"category": category,
                                  "output": "Apex: " + "\n".join(lines) + "\n"})
    session.send_event("apexHotReload", report)
    if report.get("modules") and session.client_args.get("supportsInvalidatedEvent"):
        session.send_event("invalidated", {"areas": ["stacks", "variables"]})
