"""Time travel on top of the debug session: recording, stepping through the past, replay.

``TimeTravelSession`` extends ``apex_dap.session.Session``. While the session is *live*
(no cursor in the past) every request behaves exactly as in the base session; the
subclass only adds:

* ``record: true`` launches: the recorder starts before the program's first line and
  pages history over the launch's one harness connection, and ``supportsStepBack``/``supportsRestartFrame``
  are announced with a ``capabilities`` event;
* ``stepBack``/``reverseContinue``/``goto`` into history move a *cursor* into the past;
  ``stackTrace``/``scopes``/``variables``/``evaluate`` then answer from the recording, and
  ``next``/``stepIn``/``stepOut``/``continue`` move forward through it until the present,
  where the live debugger (debugpy) takes over again;
* ``launch {"replay": FILE}``: the same over a saved recording, without any program;
* ``apexRecord``, ``apexTimeline``, ``apexSaveRecording``; ``restartFrame`` (see restart.py).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

from .. import recording_file
from ..protocol import messages as m
from ..protocol.server import Request, RequestError
from ..session import Session
from . import timeline
from .live import LiveRecording, RecordingUnavailable
from .model import History
from .navigator import GOTO_BASE, Navigator, PastRefused

log = logging.getLogger("apex_dap.history")

#: Events whose step the timeline remembers (kind in the timeline).
MARK_EVENTS = {"apexStateEdit": "stateEdit", "apexHotReload": "hotReload"}
#: DAP ids of recorded threads that no longer run (live threads keep debugpy's ids).
ENDED_THREAD_BASE = 1 << 20
HISTORY_CAPABILITIES = {"supportsStepBack": True, "supportsRestartFrame": True}


class TimeTravelSession(Session):
    def __init__(self, required_token: str | None = None) -> None:
        super().__init__(required_token)
        self.recording: LiveRecording | None = None
        self.replay: History | None = None
        self.nav: Navigator | None = None
        self.breakpoints: dict[str, set[int]] = {}
        self.marks: list[dict[str, Any]] = []
        self._thread_slots: dict[int, int] = {}   # DAP thread id -> recorder slot
        self._present: dict[int, int] = {}        # slot -> its LINE step at the live stop
        self._past_thread: int | None = None
        self._replay_path = ""
        self.interceptors.append(_refuse_edits_in_the_past)
        self._mark_tasks: set[asyncio.Task] = set()
        self._live_paused = False

    # ------------------------------------------------------------------ state
    @property
    def history(self) -> History | None:
        if self.replay is not None:
            return self.replay
        return self.recording.history if self.recording is not None else None

    @property
    def in_past(self) -> bool:
        return self.nav is not None and self.nav.cursor is not None

    def _time_gate(self, command: str) -> None:
        self._gate("time_travel", command)

    def _event(self, event: str, body: dict[str, Any] | None = None) -> None:
        kind = MARK_EVENTS.get(event)
        if kind is not None and self.recording is not None:
            self._mark_tasks.add(self._spawn(self._mark(kind, json.dumps(body or {})[:200])))
        super()._event(event, body)

    async def _prefetch(self) -> None:
        try:
            await self.recording.sync(lambda: self._live_paused)
        except (RecordingUnavailable, ValueError) as exc:
            log.info("prefetching history failed: %s", exc)

    async def _mark(self, kind: str, text: str, thread: int | None = None) -> None:
        try:
            status = await self.recording.request("recorder.status", timeout=5)
        except RecordingUnavailable:
            return
        self.marks.append({"step": max(0, status.get("end", 1) - 1), "kind": kind, "text": text,
                           "thread": thread})

    # ------------------------------------------------------------------ launch / replay
    async def launch_request(self, request: Request) -> None:
        if not isinstance(request.arguments, dict):
            request.arguments = {}
        arguments = request.arguments
        if arguments.get("replay"):
            await self._starting(self._launch_replay(request))
            return
        if not arguments.get("record"):
            await super().launch_request(request)
            return
        # The recorder shares the launch's one harness connection (boot.py dials it before
        # the program starts); the boot script only learns what to record.
        config = {"workspace": self._workspace(arguments),
                  "include": arguments.get("recordInclude") or [],
                  "exclude": arguments.get("recordExclude") or [],
                  "budgetBytes": int(arguments.get("recordBudgetMb") or 256) << 20}
        arguments["env"] = dict(arguments.get("env") or {}, APEX_DAP_RECORD=json.dumps(config))
        await super().launch_request(request)
        self.recording = LiveRecording(self.harness)
        self.nav = Navigator(self.recording.history)
        self._event("capabilities", {"capabilities": HISTORY_CAPABILITIES})

    @staticmethod
    def _workspace(arguments: dict[str, Any]) -> str:
        if arguments.get("cwd"):
            return os.path.abspath(arguments["cwd"])
        if arguments.get("program"):
            return os.path.dirname(os.path.abspath(arguments["program"]))
        return os.getcwd()

    def _refuse_recording(self, args: m.CommonSessionArgs) -> None:
        """Recording works for launches; an attach asking for it is refused, not ignored."""
        if args.record and isinstance(args, m.AttachArguments):
            raise RequestError("`record: true` works with launch only: recording starts "
                               "before the program's first line (on Python 3.9-3.11 it "
                               "chains into each thread's tracer as the thread starts), so "
                               "a running program cannot be recorded. Remove `record`, or "
                               "launch the program.")

    def _load_policy(self, start: str, args: m.CommonSessionArgs) -> None:
        super()._load_policy(start, args)
        if getattr(args, "record", False):
            self._time_gate("launch (record)")

    async def _launch_replay(self, request: Request) -> None:
        args = m.parse(request.arguments, m.LaunchArguments)
        path = os.path.abspath(args.replay)
        self._load_policy(os.path.dirname(path), args)
        self._time_gate("launch (replay)")
        try:
            recording, plain = await asyncio.to_thread(recording_file.load, path)
            history = await asyncio.to_thread(recording_file.to_history, recording, plain)
        except recording_file.RecordingError as exc:
            raise RequestError(f"cannot replay: {exc}") from None
        if not history.line_steps:
            raise RequestError(f"cannot replay {path}: the recording holds no executed lines")
        self.kind, self.args = "replay", args
        self.replay = history
        self.nav = Navigator(history)
        self.marks = [msgspec_builtins(mark) for mark in recording.marks]
        self._program_name = recording.program or path
        self._replay_path = path
        self._event("capabilities", {"capabilities": HISTORY_CAPABILITIES})
        self._event("initialized")

    # ------------------------------------------------------------------ live hooks
    def _on_debugpy_event(self, message: dict[str, Any]) -> None:
        event = message.get("event")
        if event in ("stopped", "continued"):
            self._live_paused = event == "stopped"
        if event == "stopped" and self.recording is not None:
            # Pull the new history while the user looks at the stop, so that the first
            # stepBack does not wait for it.
            self._spawn(self._prefetch())
        if event in ("stopped", "continued") and self.nav is not None:
            self.nav.cursor = None
            self.nav.reset_ids()
            self._present.clear()
        super()._on_debugpy_event(message)

    async def forward(self, request: Request) -> Any:
        if self.replay is not None:
            raise RequestError(f"{request.command} is not available while replaying a "
                               f"recording", show_user=False)
        return await super().forward(request)

    async def configurationDone_request(self, request: Request) -> None:
        if self.replay is None:
            await super().configurationDone_request(request)
            return
        self.configured.set()
        history = self.replay
        first = min((steps[0], slot) for slot, steps in history.line_steps.items() if steps)
        self._spawn(self._move(first[0], "entry", "start of the recording"))

    # ------------------------------------------------------------------ thread mapping
    async def _slot_of(self, thread_id: Any) -> int:
        if self.replay is not None:
            if not isinstance(thread_id, int) or thread_id - 1 not in self.replay.threads:
                raise RequestError(f"unknown thread {thread_id!r} in this recording")
            return thread_id - 1
        if isinstance(thread_id, int) and thread_id >= ENDED_THREAD_BASE:
            slot = thread_id - ENDED_THREAD_BASE
            if self.recording is not None and slot in self.recording.history.line_steps:
                return slot
        if thread_id not in self._thread_slots:
            await self._map_threads()
        slot = self._thread_slots.get(thread_id)
        if slot is None:
            raise RequestError("this thread has no recorded history (it ran no user code "
                               "while recording)")
        return slot

    async def _map_threads(self) -> None:
        assert self.recording is not None
        body = await self._debugpy("threads")
        history = self.recording.history
        free = sorted(history.threads.items())
        mapping = {}
        for thread in body.get("threads", []):
            for i, (slot, (_, name)) in enumerate(free):
                if name == thread.get("name"):
                    mapping[thread["id"]] = slot
                    free.pop(i)
                    break
        self._thread_slots = mapping

    def _thread_id(self, slot: int) -> int:
        if self.replay is not None:
            return slot + 1
        for tid, s in self._thread_slots.items():
            if s == slot:
                return tid
        return ENDED_THREAD_BASE + slot  # a thread that has ended: only its history is left

    # ------------------------------------------------------------------ moving
    async def _enter_history(self, command: str, thread_id: Any) -> tuple[History, int, int]:
        """-> (history, slot, current step); syncs a live recording first."""
        self._time_gate(command)
        if self.nav is None:
            raise RequestError(f"{command}: this session has no recording; launch with "
                               f"`\"record\": true` (or replay a saved recording)")
        if self.in_past:
            slot = await self._slot_of(thread_id)
            return self.history, slot, self.nav.cursor
        if self.recording is None:
            raise RequestError(f"{command}: no position yet (configurationDone first)")
        if not self._live_paused:
            raise RequestError(f"{command}: pause the program first (the past is viewed from "
                               f"a stop)")
        try:
            history = await self.recording.sync()
        except RecordingUnavailable as exc:
            raise RequestError(f"{command}: {exc}") from None
        await self._map_threads()
        slot = await self._slot_of(thread_id)
        present = history.last_line(slot)
        if present is None:
            raise RequestError(f"{command}: nothing was recorded on this thread")
        self._present = {s: steps[-1] for s, steps in history.line_steps.items() if steps}
        return history, slot, present

    def _is_present(self, step: int | None) -> bool:
        if self.replay is not None or step is None:
            return step is None
        slot = self.history.slot_at(step)
        present = self._present.get(slot)
        return present is None or step >= present

    async def _move(self, step: int, reason: str, description: str = "") -> None:
        assert self.nav is not None
        self.nav.cursor = step
        self.nav.reset_ids()
        slot = self.history.slot_at(step)
        self._past_thread = self._thread_id(slot)
        body = {"reason": reason, "threadId": self._past_thread, "allThreadsStopped": True,
                "description": description or f"step {step} of the recorded history"}
        self._event("stopped", body)

    async def _back_to_present(self, reason: str, resume: Request | None = None) -> None:
        assert self.nav is not None
        thread = self._past_thread
        self.nav.cursor = None
        self.nav.reset_ids()
        if resume is not None:
            await self._resume_live(resume)
            return
        self._event("stopped", {"reason": reason, "threadId": thread, "allThreadsStopped": True,
                                "description": "back in the present (live)"})

    async def _forward_move(self, request: Request, target: int | None, reason: str) -> None:
        if self.replay is not None:
            if target is None:
                await self._move(self.nav.cursor, "pause", "end of the recording")
            else:
                await self._move(target, reason)
            return
        if self._is_present(target):
            await self._back_to_present(reason)
        else:
            await self._move(target, reason)

    async def _resume_live(self, request: Request) -> Any:
        # Cleared before forwarding: debugpy's next "stopped" may beat its response.
        self._live_paused = False
        try:
            return await super().forward(request)
        except BaseException:
            self._live_paused = True
            raise

    async def stepBack_request(self, request: Request) -> None:
        history, slot, step = await self._enter_history("stepBack", _thread(request))
        target = history.step_back(step)
        if target is None:
            self._spawn(self._move(step, "step", "start of the recorded history"))
        else:
            self._spawn(self._move(target, "step"))

    async def reverseContinue_request(self, request: Request) -> None:
        history, slot, step = await self._enter_history("reverseContinue", _thread(request))
        target, reason = history.reverse_continue(slot, step, self.breakpoints)
        description = "start of the recorded history" if reason == "entry" else ""
        self._spawn(self._move(target, reason, description))

    async def next_request(self, request: Request) -> Any:
        if not self.in_past:
            return await self._resume_live(request)
        target = self.history.step_over(self.nav.cursor)
        self._spawn(self._forward_move(request, target, "step"))

    async def stepIn_request(self, request: Request) -> Any:
        if not self.in_past:
            return await self._resume_live(request)
        target = self.history.step_in(self.nav.cursor)
        self._spawn(self._forward_move(request, target, "step"))

    async def stepOut_request(self, request: Request) -> Any:
        if not self.in_past:
            return await self._resume_live(request)
        target = self.history.step_out(self.nav.cursor)
        self._spawn(self._forward_move(request, target, "step"))

    async def terminate_request(self, request: Request) -> None:
        if self.replay is None:
            await super().terminate_request(request)
            return
        # Nothing runs in a replay: Stop (`terminate`) ends the session, as disconnect does.
        await self._end_session()

    async def continue_request(self, request: Request) -> Any:
        if not self.in_past:
            return await self._resume_live(request)
        target = self.history.continue_forward(self.nav.cursor, self.breakpoints)
        if self.replay is not None:
            if target is None:
                last = max(steps[-1] for steps in self.history.line_steps.values() if steps)
                self._spawn(self._move(last, "pause", "end of the recording"))
            else:
                self._spawn(self._move(target, "breakpoint"))
            return {"allThreadsContinued": True}
        if target is not None and not self._is_present(target):
            self._spawn(self._move(target, "breakpoint"))
        elif target is not None:
            self._spawn(self._back_to_present("breakpoint"))
        else:  # no breakpoint before the present: carry on running live
            await self._back_to_present("step", resume=request)
        return {"allThreadsContinued": True}

    # ------------------------------------------------------------------ inspection
    async def threads_request(self, request: Request) -> Any:
        if self.replay is None:
            body = await super().forward(request)
            if self.in_past:  # threads that have ended still have a past
                live = set(self._thread_slots.values())
                history = self.recording.history
                body = dict(body, threads=list(body.get("threads", [])) + [
                    {"id": ENDED_THREAD_BASE + slot, "name": f"{name} (ended)"}
                    for slot, (_, name) in sorted(history.threads.items())
                    if slot not in live and slot in history.line_steps])
            return body
        return {"threads": [{"id": slot + 1, "name": name}
                            for slot, (_, name) in sorted(self.replay.threads.items())
                            if slot in self.replay.line_steps]}

    async def stackTrace_request(self, request: Request) -> Any:
        if not self.in_past:
            return await super().stackTrace_request(request)
        args = request.arguments or {}
        slot = await self._slot_of(args.get("threadId"))
        return self.nav.stack_trace(slot, args.get("startFrame") or 0, args.get("levels") or 0)

    async def scopes_request(self, request: Request) -> Any:
        frame_id = (request.arguments or {}).get("frameId")
        if not self.in_past or not self.nav.owns_frame(frame_id):
            if self.in_past:
                raise RequestError("unknown frame (the position in history has changed)",
                                   show_user=False)
            return await super().scopes_request(request)
        return self.nav.scopes(frame_id)

    async def variables_request(self, request: Request) -> Any:
        ref = (request.arguments or {}).get("variablesReference")
        if self.nav is not None and self.nav.owns_ref(ref):
            return self.nav.variables(ref)
        if self.in_past:
            raise RequestError("unknown variablesReference (the position in history has "
                               "changed)", show_user=False)
        return await super().variables_request(request)

    async def evaluate_request(self, request: Request) -> Any:
        if not self.in_past:
            return await super().evaluate_request(request)
        args = m.parse(request.arguments, m.EvaluateArguments)
        try:
            return self.nav.evaluate(args.expression, args.frame_id)
        except PastRefused as exc:
            raise RequestError(str(exc), show_user=args.context == "repl") from None

    async def exceptionInfo_request(self, request: Request) -> Any:
        if not self.in_past:
            return await super().forward(request)
        try:
            return self.nav.exception_info(self.nav.cursor)
        except PastRefused as exc:
            raise RequestError(str(exc)) from None

    async def setBreakpoints_request(self, request: Request) -> Any:
        args = request.arguments or {}
        path = (args.get("source") or {}).get("path")
        # logpoints never stop; conditions are not evaluated in the past (docs/time-travel.md)
        lines = [b.get("line") for b in args.get("breakpoints") or []
                 if isinstance(b, dict) and not b.get("logMessage")]
        if path:
            self.breakpoints[os.path.abspath(path)] = {l for l in lines if isinstance(l, int)}
        if self.replay is None:
            return await super().forward(request)
        path = os.path.abspath(path or "")
        out = []
        for line in lines:
            ran = bool(self.replay.executions(path, line)) if isinstance(line, int) else False
            bp = {"verified": ran, "line": line}
            if not ran:
                bp["message"] = "this line never ran in the recording"
            out.append(bp)
        return {"breakpoints": out}

    async def setExceptionBreakpoints_request(self, request: Request) -> Any:
        if self.replay is None:
            return await super().forward(request)
        return {"breakpoints": []}

    async def setFunctionBreakpoints_request(self, request: Request) -> Any:
        if self.replay is None:
            return await super().forward(request)
        return {"breakpoints": [{"verified": False, "message": "not supported in replay"}
                                for _ in (request.arguments or {}).get("breakpoints") or []]}

    # ------------------------------------------------------------------ goto
    async def gotoTargets_request(self, request: Request) -> Any:
        args = request.arguments or {}
        path = os.path.abspath((args.get("source") or {}).get("path") or "")
        line = args.get("line")
        targets: list[dict[str, Any]] = []
        if self.replay is None and not self.in_past:
            try:
                targets = (await super().forward(request)).get("targets", [])
            except RequestError:
                targets = []
        if self.nav is not None and isinstance(line, int):
            if self.recording is not None and not self.in_past:
                try:
                    await self.recording.sync()
                except RecordingUnavailable:
                    pass
            targets += self.nav.goto_targets(path, line)
        return {"targets": targets}

    async def goto_request(self, request: Request) -> Any:
        target = (request.arguments or {}).get("targetId")
        if not isinstance(target, int) or target < GOTO_BASE or self.nav is None:
            if self.in_past or self.replay is not None:
                raise RequestError("goto: in the past, choose a target from gotoTargets (a "
                                   "recorded run of the line)")
            return await super().goto_request(request)
        step = target - GOTO_BASE
        self._time_gate("goto")
        history = self.history
        if not history.is_line(step):
            raise RequestError("goto: that step is no longer in the recorded history")
        if self.recording is not None and not self.in_past:
            await self._enter_history("goto", (request.arguments or {}).get("threadId"))
        if self._is_present(step) and self.replay is None:
            self._spawn(self._back_to_present("goto"))
        else:
            self._spawn(self._move(step, "goto"))

    # ------------------------------------------------------------------ restart frame
    async def restartFrame_request(self, request: Request) -> Any:
        from .restart import restart_frame
        return await restart_frame(self, request)

    # ------------------------------------------------------------------ apex requests
    async def apexRecord_request(self, request: Request) -> dict[str, Any]:
        enabled = (request.arguments or {}).get("enabled")
        if not isinstance(enabled, bool):
            raise RequestError("apexRecord needs `enabled`: true or false")
        if self.recording is None:
            raise RequestError("apexRecord: this session was not launched with `\"record\": "
                               "true`, so the recorder is not in the program")
        if enabled:
            self._time_gate("apexRecord")
        try:
            status = await self.recording.request("recorder.start" if enabled else
                                                  "recorder.stop")
        except RecordingUnavailable as exc:
            raise RequestError(str(exc)) from None
        return {"recording": status.get("recording", enabled), "steps": status.get("end", 0),
                "earliestStep": status.get("earliest", 0)}

    async def apexTimeline_request(self, request: Request) -> dict[str, Any]:
        self._time_gate("apexTimeline")
        history = await self._synced("apexTimeline")
        args = request.arguments or {}
        return timeline.build(history, self.breakpoints, self.marks,
                              kinds=args.get("kinds"), max_items=args.get("maxItems") or 1000,
                              thread_id=self._thread_id)

    async def apexSaveRecording_request(self, request: Request) -> dict[str, Any]:
        path = (request.arguments or {}).get("path")
        if not isinstance(path, str) or not path:
            raise RequestError("apexSaveRecording needs `path`")
        path = os.path.abspath(path)
        if not os.path.isdir(os.path.dirname(path)):
            raise RequestError(f"apexSaveRecording: directory does not exist: "
                               f"{os.path.dirname(path)}")
        self._time_gate("apexSaveRecording")
        history = await self._synced("apexSaveRecording")
        python = ""
        if self.recording is not None:
            python = str(self.recording.client.info.get("python", ""))
        try:
            size = await asyncio.to_thread(
                recording_file.save, path, history, marks=self.marks,
                breakpoints=self.breakpoints, program=self._program_name, python=python)
        except OSError as exc:
            raise RequestError(f"apexSaveRecording: cannot write {path}: {exc}") from None
        return {"path": path, "bytes": size, "steps": len(history),
                "earliestStep": history.first, "latestStep": history.end - 1}

    async def _synced(self, command: str) -> History:
        if self._mark_tasks:  # marks being stamped with their step
            await asyncio.wait(list(self._mark_tasks), timeout=10)
            self._mark_tasks = {t for t in self._mark_tasks if not t.done()}
        if self.replay is not None:
            return self.replay
        if self.recording is None:
            raise RequestError(f"{command}: this session has no recording; launch with "
                               f"`\"record\": true`")
        if self.in_past:
            return self.recording.history
        try:
            return await self.recording.sync()
        except RecordingUnavailable as exc:
            raise RequestError(f"{command}: {exc}") from None

    # ------------------------------------------------------------------ ending


#: Requests that change the live program: refused while the cursor is in the past.
LIVE_ONLY = {"setVariable", "setExpression", "apexUndoStateEdit", "pause", "completions",
             "stepInTargets", "source", "restartFrame"}


def _refuse_edits_in_the_past(session: "TimeTravelSession", request: Request):
    if request.command not in LIVE_ONLY:
        return None
    if request.command == "restartFrame" and not session.in_past \
            and session.recording is not None and not _hot_reload_restarts(session):
        # The hot-reload feature restarts frames where it can (3.12+, with the recorded
        # arguments the recorder hands it); elsewhere the recording's own restart does.
        from .restart import restart_frame
        return lambda session, request: restart_frame(session, request)
    if session.replay is not None:
        if request.command == "restartFrame":
            return None  # restart.py explains
        return _refusal(f"{request.command} is not available while replaying a recording")
    if session.in_past:
        return _refusal(f"{request.command}: not available while viewing the past; step "
                        f"forward to the present first")
    return None


def _hot_reload_restarts(session) -> bool:
    try:
        from ..features import hot_reload
    except ImportError:
        return False
    return bool(getattr(hot_reload.state(session), "restart", False))


def _refusal(message: str):
    async def refuse(session, request):
        raise RequestError(message)
    return refuse


def _thread(request: Request) -> Any:
    return (request.arguments or {}).get("threadId")


def msgspec_builtins(obj: Any) -> Any:
    import msgspec
    return msgspec.to_builtins(obj)
