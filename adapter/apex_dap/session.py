"""One debug session: the editor-facing handlers, fronting debugpy inside the target.

The protocol layer (``protocol/``) asks ``route`` which coroutine answers a request:
a feature's handler (``features/``: state editing, introspection), the session's own
``<command>_request`` (initialize/launch/attach/configurationDone/disconnect/terminate,
since it owns the target process; the gates on evaluate/goto/restartFrame;
loadedSources), or ``forward`` to debugpy unchanged.
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shlex
from typing import Any

from . import extensions
from .capabilities import adapter_capabilities
from .engine import harness_link
from .engine import target as target_mod
from .engine.debugpy_link import DebugpyLink, LinkClosed
from .engine.policy_gate import AuditTrail, PolicyRefused, SessionPolicy
from .engine.resources import ResourceMonitor
from .engine.state_edits import EditFailed, StateEditor
from .engine.variable_index import VariableIndex
from .protocol import messages as m
from .protocol.server import DapServer, Request, RequestError

log = logging.getLogger("apex_dap.session")

#: How long the target may take from spawn to "pydevd is listening".
START_TIMEOUT = 30.0
#: Loopback names accepted for ``connect``.
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
#: Events from debugpy that Apex emits itself, once, in the right order.
OWN_EVENTS = {"initialized", "exited", "terminated"}
#: debugpy-adapter internals an editor has no use for.
DEBUGPY_ADAPTER_EVENTS = {"debugpySockets", "debugpyWaitingForServer"}
#: After `terminated`, how long to wait for the editor's `disconnect` before ending anyway
#: (an editor that vanished without closing its end of the stream).
DISCONNECT_GRACE = 5.0


class Session:
    def __init__(self, required_token: str | None = None) -> None:
        #: Set for TCP sessions whose editor did not send the token line first: launch or
        #: attach must then carry it, and nothing but initialize is served before that.
        self.required_token = required_token
        self.client: DapServer | None = None
        self.client_args: dict[str, Any] = {}
        self.link: DebugpyLink | None = None
        self.target: target_mod.Target | None = None
        self.kind: str | None = None  # "launch" | "attach"
        self.args: m.LaunchArguments | m.AttachArguments | None = None
        self.policy: SessionPolicy | None = None
        self.audit: AuditTrail | None = None
        self.editor = StateEditor(self._evaluate_internal)
        self.resources: ResourceMonitor | None = None
        self.configured = asyncio.Event()
        self._debugpy_initialized = asyncio.Event()
        #: The adapter may exit: `disconnect` answered, or `terminated` sent and the
        #: editor let DISCONNECT_GRACE pass without disconnecting.
        self.finished = asyncio.Event()
        self._ended = False
        self._end_sent = asyncio.Event()  # exited/terminated sent, links closed
        self._program_name = ""
        self._tasks: set[asyncio.Task] = set()
        self._output_tasks: list[asyncio.Task] = []
        self._report: target_mod.ReportListener | None = None
        self._harness_launch: harness_link.HarnessLaunch | None = None
        #: The harness inside a launched target (apex_host.client.HarnessClient), for the
        #: operations debugpy cannot do (recording, hot reload); None for attach.
        self.harness = None
        #: ``fn(session, request) -> handler | None``, asked first for every request; a
        #: time-travel view uses this to answer from history while showing the past.
        self.interceptors: list = []
        self.variables = VariableIndex()

    # ------------------------------------------------------------------ plumbing
    def bind(self, client: DapServer) -> None:
        self.client = client

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def route(self, request: Request):
        """The coroutine function answering ``request`` (see apex_dap.extensions)."""
        for intercept in self.interceptors:
            handler = intercept(self, request)
            if handler is not None:
                return lambda req: handler(self, req)
        extension = extensions.handler(request.command)
        if extension is not None:
            return lambda req: extension(self, req)
        return getattr(self, f"{request.command}_request", None) or self.forward

    @property
    def program_name(self) -> str:
        return self._program_name

    def gate(self, operation: str, command: str, *, path: str | None = None,
             anywhere: bool = False) -> None:
        """Raise the editor-facing refusal unless the policy allows ``operation`` (on the
        code in ``path``; ``anywhere``: on some code, the feature then checks each file it
        touches)."""
        self._gate(operation, command, path=path, anywhere=anywhere)

    def admit(self, request: Request) -> None:
        if self.required_token is None or request.command in ("initialize", "disconnect"):
            return
        if request.command in ("launch", "attach"):
            given = (request.arguments or {}).get("token") if isinstance(
                request.arguments, dict) else None
            if isinstance(given, str) and secrets.compare_digest(given, self.required_token):
                self.required_token = None
                return
            raise RequestError(f"{request.command}: this adapter requires its access token "
                               f"(`token` in the debug configuration)")
        raise RequestError(f"{request.command}: not authenticated; send launch or attach with "
                           f"the adapter's `token` first", show_user=False)

    def _event(self, event: str, body: dict[str, Any] | None = None) -> None:
        if self.client is not None:
            self.client.send_event(event, body)

    def _output(self, category: str, text: str) -> None:
        self._event("output", {"category": category, "output": text})

    def _require_link(self, command: str) -> DebugpyLink:
        if self.link is None:
            if self._ended:
                raise RequestError(f"{command}: the debug session has ended", show_user=False)
            raise RequestError(f"{command}: no program yet; send launch or attach first",
                               show_user=False)
        return self.link

    async def _debugpy(self, command: str, arguments: Any = None) -> dict[str, Any]:
        """Send to debugpy and return the body; failures become RequestError."""
        link = self._require_link(command)
        try:
            response = await link.request(command, arguments)
        except LinkClosed as exc:
            raise RequestError(f"{command}: {exc}", show_user=False) from None
        if not response.get("success"):
            raise RequestError(response.get("message") or f"{command} failed", show_user=False,
                               body=response.get("body"))
        return response.get("body") or {}

    async def forward(self, request: Request) -> Any:
        return await self._debugpy(request.command, request.arguments)

    # ------------------------------------------------------------------ initialize
    async def initialize_request(self, request: Request) -> dict[str, Any]:
        self.client_args = dict(request.arguments or {})
        return {**adapter_capabilities(), **extensions.capabilities()}

    # ------------------------------------------------------------------ launch
    async def launch_request(self, request: Request) -> None:
        await self._starting(self._launch(request))

    async def attach_request(self, request: Request) -> None:
        await self._starting(self._attach(request))

    async def _starting(self, start) -> None:
        """Run a launch/attach; on failure leave the session free for another try."""
        if self.kind is not None:
            start.close()
            raise RequestError(f"this session already has a program ({self.kind})")
        try:
            await start
        except BaseException:
            if self.link is not None:
                await self.link.close()
            if self._harness_launch is not None:
                self._harness_launch.close()
            elif self.harness is not None:
                self._close_attached_harness()
            self.kind, self.args, self.target, self.link = None, None, None, None
            self._harness_launch, self.harness = None, None
            raise

    async def _launch(self, request: Request) -> None:
        args = m.parse(request.arguments, m.LaunchArguments)
        if self.kind is not None:
            raise RequestError(f"this session already has a program ({self.kind})")
        if bool(args.program) == bool(args.module):
            raise RequestError("launch needs exactly one of `program` or `module`")
        self._refuse_recording(args)
        cwd = args.cwd or (os.path.dirname(os.path.abspath(args.program)) if args.program
                           else os.getcwd())
        if not os.path.isdir(cwd):
            raise RequestError(f"cwd does not exist: {cwd}")
        program = os.path.abspath(os.path.join(cwd, args.program)) if args.program else None
        if program and not os.path.isfile(program):
            raise RequestError(f"program not found: {program}")
        self._load_policy(program or cwd, args)
        self.kind, self.args = "launch", args
        self._program_name = program or args.module
        argv = shlex.split(args.args) if isinstance(args.args, str) else list(args.args)
        try:
            python = target_mod.interpreter_command(args.python)
        except target_mod.TargetStartError as exc:
            raise RequestError(str(exc)) from None

        token = secrets.token_hex(32)
        self._report = target_mod.ReportListener(token)
        report_port = await self._report.start()
        boot = target_mod.boot_argv(report_port, program, args.module, argv)
        prefix = target_mod.interpreter_prefix(python)
        internal = args.console == "internalConsole" or not self.client_args.get(
            "supportsRunInTerminalRequest")
        env = target_mod.target_env(args.env, token, internal)
        if harness_link.available():
            self._harness_launch = harness_link.HarnessLaunch(self._on_harness_event)
            command = self._harness_launch.command(prefix, boot)
            env = self._harness_launch.env(env, harness_link.runtime_guard(
                self.policy, self.audit.path))
        else:
            command = prefix + boot
        try:
            if internal:
                await self._start_piped(command, cwd, env)
            else:
                await self._start_in_terminal(command, cwd, env, args.console)
            if self._harness_launch is not None:
                await self._accept_harness()
            report = await self._await_report()
        finally:
            self._report.close()
        await self._connect_debugpy("127.0.0.1", report["port"], token, "launch", {
            "justMyCode": args.just_my_code, "stopOnEntry": args.stop_on_entry,
            "redirectOutput": False, "subProcess": False})
        self._event("process", {"name": self._program_name, "systemProcessId": report["pid"],
                                "isLocalProcess": True, "startMethod": "launch"})
        self._after_start()

    async def _start_piped(self, command: list[str], cwd: str, env: dict[str, str]) -> None:
        try:
            die_with_adapter = getattr(self.args, "terminate_debuggee", True)
            process = await asyncio.create_subprocess_exec(
                *command, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                preexec_fn=target_mod.die_with_parent if die_with_adapter else None)
        except OSError as exc:
            raise RequestError(f"cannot start {command[0]}: {exc}") from None
        self.target = target_mod.Target(process.pid, process)
        self._output_tasks = [
            self._spawn(target_mod.pump_output(process.stdout, "stdout", self._output)),
            self._spawn(target_mod.pump_output(process.stderr, "stderr", self._output)),
        ]

    async def _start_in_terminal(self, command: list[str], cwd: str, env: dict[str, str],
                                 console: str) -> None:
        assert self.client is not None
        extra = {k: v for k, v in env.items() if os.environ.get(k) != v}
        try:
            response = await self.client.send_request("runInTerminal", {
                "kind": "external" if console == "externalTerminal" else "integrated",
                "title": f"Apex: {os.path.basename(self._program_name)}",
                "cwd": cwd, "args": command, "env": extra})
        except asyncio.TimeoutError:
            raise RequestError("the editor did not answer runInTerminal") from None
        if not response.get("success"):
            raise RequestError(f"the editor could not start the program in a terminal: "
                               f"{response.get('message')}")

    async def _accept_harness(self) -> None:
        assert self._harness_launch is not None
        alive = (lambda: self.target is None or self.target.alive())
        try:
            self.harness = await self._harness_launch.accept(alive, START_TIMEOUT)
        except Exception as exc:
            if self.target is not None:
                await self.target.terminate()
                await asyncio.wait(self._output_tasks, timeout=2)
                code = self.target.process.returncode if self.target.process else None
                if code is not None and code >= 0:
                    raise RequestError(f"the program exited with code {code} before the "
                                       f"debugger started (see the debug console)") from None
            raise RequestError(f"the program's harness did not start: {exc} (see the debug "
                               f"console)") from None

    def _close_attached_harness(self) -> None:
        # Disconnecting leaves the harness idle in the program (it resumes anything paused).
        try:
            self.harness.close()
            listener = getattr(self.harness, "_listener", None)
            if listener is not None:
                listener.close()
        except Exception:
            log.exception("closing the harness connection failed")

    def _on_harness_event(self, event: dict[str, Any]) -> None:
        name = event.get("event")
        if name in (None, "disconnected"):
            return
        self._event("apexHarness", {"event": name, "body": event.get("body")})

    async def _await_report(self) -> dict[str, Any]:
        assert self._report is not None
        waiters = [self._report.report]
        if self.target is not None and self.target.process is not None:
            waiters.append(asyncio.ensure_future(self.target.process.wait()))
        done, _ = await asyncio.wait(waiters, timeout=START_TIMEOUT,
                                     return_when=asyncio.FIRST_COMPLETED)
        for w in waiters[1:]:
            w.cancel()
        if self._report.report.done():
            report = self._report.report.result()
            if self.target is None:  # started by the editor's terminal
                self.target = target_mod.Target(report["pid"], None, own_group=False)
            return report
        if self.target is not None and self.target.process is not None \
                and self.target.process.returncode is not None:
            await asyncio.wait(self._output_tasks, timeout=2)
            raise RequestError(f"the program exited with code {self.target.process.returncode} "
                               f"before the debugger started (see the debug console)")
        if self.target is not None:
            await self.target.terminate()
        raise RequestError(f"the debugger in the target did not start within "
                           f"{START_TIMEOUT:.0f} s")

    # ------------------------------------------------------------------ attach
    async def _attach(self, request: Request) -> None:
        args = m.parse(request.arguments, m.AttachArguments)
        if self.kind is not None:
            raise RequestError(f"this session already has a program ({self.kind})")
        if (args.process_id is None) == (args.connect is None):
            raise RequestError("attach needs exactly one of `processId` or `connect`")
        self._refuse_recording(args)
        self._load_policy(os.getcwd(), args)
        assert self.policy is not None
        try:
            self.policy.check("attach")
        except PolicyRefused as exc:
            raise RequestError(str(exc)) from None
        self.kind, self.args = "attach", args
        if args.connect is not None:
            if args.connect.host not in LOOPBACK:
                raise RequestError(f"connect: only loopback hosts are accepted, not "
                                   f"{args.connect.host!r}")
            host, port, token = args.connect.host, args.connect.port, args.connect.token
            self._program_name = f"{host}:{port}"
            if args.connect.harness:
                host, port, token = await self._through_harness(host, port, token)
        else:
            host, port, token, pid = await self._inject(args.process_id)
            self.target = target_mod.Target(pid, None, own_group=False)
            self._program_name = f"process {pid}"
        await self._connect_debugpy(host, port, token, "attach", {
            "justMyCode": args.just_my_code, "redirectOutput": True, "subProcess": False})
        self._after_start()

    async def _through_harness(self, host: str, port: int, token: str | None
                               ) -> tuple[str, int, str]:
        """Connect to an apex_harness.listen endpoint, then have it start pydevd (no gdb;
        a runtime guard the program runs under exempts the debugger, as in a launch)."""
        from .engine import inject
        if not token:
            raise RequestError("connect with `harness: true` needs the harness's `token`")
        try:
            self.harness = await inject.connect_harness(host, port, token, self._on_harness_event)
            pid = int(self.harness.info.get("pid") or self.harness.pid)
            host, port, token = await inject.start_debugpy_through(self.harness)
        except inject.InjectError as exc:
            raise RequestError(str(exc)) from None
        self.target = target_mod.Target(pid, None, own_group=False)
        self._program_name = f"process {pid}"
        return host, port, token

    async def _inject(self, process_id: int | str) -> tuple[str, int, str, int]:
        from .engine import inject
        try:
            pid = int(process_id)
        except ValueError:
            raise RequestError(f"processId must be a number, not {process_id!r}") from None
        try:
            host, port, token, pid, self.harness = await inject.start_debugpy_in(
                pid, self._on_harness_event)
        except inject.InjectError as exc:
            raise RequestError(str(exc)) from None
        return host, port, token, pid

    # ------------------------------------------------------------------ common start
    def _refuse_recording(self, args: m.CommonSessionArgs) -> None:
        if args.record:
            raise RequestError("`record: true` is not available yet: recording for time travel "
                               "arrives with the time-travel issue. Remove `record` or set it "
                               "to false.")

    def _load_policy(self, start: str, args: m.CommonSessionArgs) -> None:
        try:
            self.policy = SessionPolicy(start, args.mode)
        except PolicyRefused as exc:
            raise RequestError(str(exc)) from None
        actor = getattr(self.policy.policy.audit, "actor", "")
        self.audit = AuditTrail(self.policy.audit_path(args.audit_log), actor, self.policy.mode)
        if self.policy.loosened:  # allowed by debug.allow-mode-override; never silent
            self.audit.record("mode_switch", target=self.policy.mode,
                              **{"from": self.policy.file_mode, "to": self.policy.mode,
                                 "reason": "debug configuration mode, allowed by "
                                           "debug.allow-mode-override"})

    async def _connect_debugpy(self, host: str, port: int, token: str | None,
                               start_method: str, options: dict[str, Any]) -> None:
        try:
            self.link = await DebugpyLink.connect(host, port, self._on_debugpy_event)
        except (OSError, asyncio.TimeoutError) as exc:
            if self.target is not None and self.kind == "launch":
                await self.target.terminate()
            raise RequestError(f"cannot connect to the debugger at {host}:{port}: {exc}") from None
        try:
            if token:
                await self._debugpy("pydevdAuthorize", {"debugServerAccessToken": token})
            init = {k: v for k, v in self.client_args.items()}
            init.setdefault("adapterID", "apex")
            await self._debugpy("initialize", init)
            # pydevd answers launch/attach at once; debugpy's own adapter (a target that
            # called plain debugpy.listen) answers only after configurationDone, but says
            # "initialized" first. Either means: ready for configuration.
            started = asyncio.ensure_future(self._debugpy(start_method, options))
            ready = asyncio.ensure_future(self._debugpy_initialized.wait())
            await asyncio.wait([started, ready], return_when=asyncio.FIRST_COMPLETED)
            ready.cancel()
            if started.done():
                started.result()
            else:
                started.add_done_callback(self._late_start_failure)
        except RequestError as exc:
            await self.link.close()
            self.link = None
            if self.target is not None and self.kind == "launch":
                await self.target.terminate()
            raise RequestError(f"the debugger in the target refused the session: {exc.message}") \
                from None

    def _late_start_failure(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._output("important", f"Apex: debugpy refused the session: {task.exception()}\n")

    def _after_start(self) -> None:
        self._spawn(self._watch_end())
        args = self.args
        if args is not None and args.resources and self.target is not None:
            self.resources = ResourceMonitor(self.target.pid, args.resources_interval,
                                             lambda body: self._event("apexResources", body))
            self.resources.start()
        self._event("initialized")

    async def configurationDone_request(self, request: Request) -> None:
        await self._debugpy("configurationDone", request.arguments)
        self.configured.set()

    # ------------------------------------------------------------------ events from debugpy
    def _on_debugpy_event(self, message: dict[str, Any]) -> None:
        event = message.get("event")
        body = message.get("body")
        if event == "initialized":
            self._debugpy_initialized.set()
        if event in OWN_EVENTS or event in DEBUGPY_ADAPTER_EVENTS:
            return
        if event == "process":
            if self.kind == "launch":
                return  # Apex sends its own, naming the program rather than the boot script
            pid = (body or {}).get("systemProcessId")
            if self.resources is None and isinstance(pid, int) and self.args is not None \
                    and self.args.resources:
                self.resources = ResourceMonitor(pid, self.args.resources_interval,
                                                 lambda sample: self._event("apexResources", sample))
                self.resources.start()
        if event in ("stopped", "continued"):
            self.variables.clear()
        self._event(event, body)

    async def _watch_end(self) -> None:
        """Send exited + terminated once the target is gone (or debugpy is)."""
        link = self.link
        waiters = []
        if self.target is not None:
            waiters.append(asyncio.ensure_future(self.target.wait()))
        if link is not None:
            waiters.append(asyncio.ensure_future(link.closed.wait()))
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if self.target is not None and self.target.process is not None and self.target.alive():
            # debugpy closes its socket a moment before a normally ending program exits.
            await asyncio.wait(waiters[:1], timeout=3)
        if self.target is not None and self.target.alive() and link is not None \
                and link.closed.is_set() and self.kind == "launch" and not self._ended:
            # debugpy died but the program did not: never leave it paused or orphaned.
            self._output("important", "Apex: the connection to debugpy in the program was lost; "
                                      "stopping the program.\n")
            await self.target.terminate()
        if self.target is not None and self.target.process is not None:
            await asyncio.wait(waiters, timeout=5)
        for w in waiters:
            w.cancel()
        await self._end_session()

    async def _end_session(self) -> None:
        if self._ended:  # ending already (program gone and disconnect at once): let it finish
            await self._end_sent.wait()
            return
        self._ended = True
        try:
            await self._send_end()
        finally:
            self._end_sent.set()
            # DAP: the editor answers `terminated` with `disconnect`, which must be answered
            # before the adapter goes (else VS Code logs a read error); wait for it, bounded.
            self._spawn(self._finish_after(DISCONNECT_GRACE))

    async def _send_end(self) -> None:
        if self._output_tasks:
            await asyncio.wait(self._output_tasks, timeout=2)
        if self.resources is not None:
            self.resources.stop()
        code = self.target.exit_code if self.target is not None else None
        if code is not None:
            self._event("exited", {"exitCode": code})
        self._event("terminated")
        if self.link is not None:
            await self.link.close()
            self.link = None
        if self._harness_launch is not None:
            self._harness_launch.close()
        elif self.harness is not None:
            self._close_attached_harness()

    async def _finish_after(self, grace: float) -> None:
        await asyncio.sleep(grace)
        if not self.finished.is_set():
            log.info("no disconnect %.0fs after terminated: ending the session", grace)
            self.finished.set()

    # ------------------------------------------------------------------ ending
    async def disconnect_request(self, request: Request) -> None:
        args = m.parse(request.arguments, m.DisconnectArguments)
        default = self.args.terminate_debuggee if self.args is not None else False
        terminate = default if args.terminate_debuggee is None else args.terminate_debuggee
        await self.shutdown(terminate)
        if self.client is not None:
            self.client.respond(request)
        await self._end_session()
        self.finished.set()

    async def terminate_request(self, request: Request) -> None:
        if self.kind == "attach" and self.target is None and self.link is not None:
            await self._debugpy("terminate", request.arguments)
            return
        await self.shutdown(True)

    async def shutdown(self, terminate: bool) -> None:
        """End the program or let it go, so nothing is left paused or orphaned."""
        if terminate and self.target is not None and self.target.alive():
            if self.kind == "launch":
                await self.target.terminate()
                return
            if self.link is not None:
                try:
                    await asyncio.wait_for(self.link.request("terminate", {}), 5)
                except (LinkClosed, asyncio.TimeoutError):
                    pass
            return
        if self.link is not None and not self.link.closed.is_set():
            try:  # debugpy removes breakpoints and resumes every thread
                await asyncio.wait_for(self.link.request("disconnect", {"restart": False}), 5)
            except (LinkClosed, asyncio.TimeoutError):
                pass
            await self.link.close()
            self.link = None

    async def client_gone(self) -> None:
        """The editor closed the connection without a disconnect."""
        if self._ended:
            return
        terminate = self.args.terminate_debuggee if self.args is not None else False
        await self.shutdown(terminate)
        await self._end_session()

    # ------------------------------------------------------------------ inspection
    async def stackTrace_request(self, request: Request) -> Any:
        body = await self.forward(request)
        self.variables.saw_stack((request.arguments or {}).get("threadId"),
                                 body.get("stackFrames", []))
        return body

    async def scopes_request(self, request: Request) -> Any:
        body = await self.forward(request)
        self.variables.saw_scopes((request.arguments or {}).get("frameId"), body.get("scopes", []))
        return body

    async def variables_request(self, request: Request) -> Any:
        body = await self.forward(request)
        self.variables.saw_variables((request.arguments or {}).get("variablesReference"),
                                     body.get("variables", []))
        return body

    async def loadedSources_request(self, request: Request) -> dict[str, Any]:
        body = await self._debugpy("modules", {"startModule": 0})
        sources = []
        for module in body.get("modules", []):
            path = module.get("path")
            if path and path.endswith(".py"):
                sources.append({"name": os.path.basename(path), "path": path})
        return {"sources": sources}

    # ------------------------------------------------------------------ gates
    def _gate(self, operation: str, command: str, *, path: str | None = None,
              anywhere: bool = False) -> None:
        if self.policy is None:
            raise RequestError(f"{command}: no program yet; send launch or attach first",
                               show_user=False)
        try:
            self.policy.check(operation, path=path, anywhere=anywhere)
        except PolicyRefused as exc:
            if self.audit is not None:
                self.audit.record(operation, outcome="denied", target=command,
                                  session=self._program_name, reason=str(exc))
            raise RequestError(str(exc), error_id=2000) from None

    async def evaluate_request(self, request: Request) -> Any:
        args = m.parse(request.arguments, m.EvaluateArguments)
        if args.context in ("repl", "watch", None) or not _is_plain_reference(args.expression):
            # Hovers may read names, attributes and items (what the variables view shows);
            # anything that could call code is an evaluation and needs the gate.
            self._gate("evaluate", "evaluate")
        return await self.forward(request)

    async def goto_request(self, request: Request) -> Any:
        self._gate("state_edit", "goto")
        if self.audit is not None:
            self.audit.record("state_edit", target="goto", session=self._program_name,
                              arguments=request.arguments)
        return await self.forward(request)

    async def restartFrame_request(self, request: Request) -> Any:
        self._gate("restart_frame", "restartFrame")
        raise RequestError("restartFrame is not available yet (it arrives with hot reload)")

    # ------------------------------------------------------------------ for features
    def send_event(self, event: str, body: dict[str, Any] | None = None) -> None:
        self._event(event, body)

    def invalidate_variables(self) -> None:
        if self.client_args.get("supportsInvalidatedEvent"):
            self._event("invalidated", {"areas": ["variables"]})

    async def suspended_frame(self, thread_id: int | None) -> int:
        """The top frame of ``thread_id`` (else of any thread) while it is paused."""
        threads = [thread_id] if thread_id is not None else []
        if not threads:
            body = await self._debugpy("threads")
            threads = [t["id"] for t in body.get("threads", [])]
        for tid in threads:
            try:
                body = await self._debugpy("stackTrace", {"threadId": tid, "levels": 1})
            except RequestError:
                continue
            frames = body.get("stackFrames") or []
            if frames:
                self.variables.saw_stack(tid, frames)
                return frames[0]["id"]
        raise RequestError("pause the program first (this runs on a paused thread)")

    async def _evaluate_internal(self, expression: str, frame_id: int) -> dict[str, Any]:
        link = self._require_link("evaluate")
        try:
            return await link.request("evaluate", {"expression": expression, "frameId": frame_id,
                                                   "context": "clipboard"})
        except LinkClosed as exc:
            raise EditFailed(str(exc)) from None


def _is_plain_reference(expression: str) -> bool:
    """``a``, ``a.b``, ``a[0]``, ``a['k']``, ``a[i].b``: reads, no calls or operators."""
    import ast
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return False
    while True:
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(
                node.slice, (ast.Constant, ast.Name)):
            node = node.value
        else:
            return False
