"""``apex run``: start a program under the policy, supervise it, report what happened.

* development / hybrid: the harness with the runtime guard inside; the watchdog
  applies the policy's wall-time limit.
* isolation: the same inside the OS boundary from ``sandbox.plan``; refuses to run
  with partial isolation unless allowed.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psutil

from . import sandbox
from .client import HarnessError, Listener
from .launch import spawn
from .monitor import ResourceMonitor

EXIT_REFUSED = 3          # isolation refused: nothing ran
EXIT_LIMIT = 124          # killed by the watchdog (wall time, tree memory)
EXIT_HARNESS = 125        # the harness could not start the program

REPORT_VERSION = 1


@dataclass
class RunRequest:
    argv: list[str]
    module: str | None = None
    mode: str | None = None
    python: str | None = None
    cwd: str | None = None
    allow_partial: bool = False
    env: dict[str, str] | None = None
    stdin: Any = None
    stdout: Any = None
    stderr: Any = None
    log: Any = None               # where `apex run:` lines go (default sys.stderr)
    #: False runs without the in-process guard: tests use it to show that the OS
    #: boundary stops each attack on its own, as it must when the guard is bypassed.
    guard: bool = True
    #: `apex run --reload`: the harness patches changed workspace modules (reload_watch.py)
    reload: bool = False


@dataclass
class RunReport:
    mode: str
    policy_source: str
    isolation: str
    layers: dict[str, str] = field(default_factory=dict)
    exit_status: int | None = None
    signal: str | None = None
    reason: str | None = None
    violations: list[dict] = field(default_factory=list)
    peaks: dict[str, Any] = field(default_factory=dict)
    cgroup: dict[str, Any] = field(default_factory=dict)
    guard: dict[str, Any] = field(default_factory=dict)
    wall_seconds: float = 0.0
    command: list[str] = field(default_factory=list)
    limits: dict[str, Any] = field(default_factory=dict)
    sandbox: str | None = None        # "bubblewrap" | "unshare" | None

    def as_json(self) -> dict:
        return {"version": REPORT_VERSION, "mode": self.mode, "policySource": self.policy_source,
                "isolation": {"level": self.isolation, "layers": self.layers,
                              "sandbox": self.sandbox},
                "exitStatus": self.exit_status, "signal": self.signal, "reason": self.reason,
                "violations": self.violations, "peaks": self.peaks, "cgroup": self.cgroup,
                "guard": self.guard, "wallSeconds": round(self.wall_seconds, 3),
                "limits": self.limits, "command": self.command}


def load_policy(start: str, mode: str | None):
    from apex_policy import load_settings

    loaded = load_settings(start, mode=mode)
    return loaded, loaded.settings.policy.to_runtime()


class _GuardEvents:
    """Collects the guard's decisions; in isolated runs also writes the audit log."""

    def __init__(self, audit_path: str | None, mode: str) -> None:
        self.counts = {"audit": 0, "deny": 0}
        self.denials: list[dict] = []
        self._lock = threading.Lock()
        self._log = None
        if audit_path:
            from apex_policy.audit import AuditLog
            self._log = AuditLog(audit_path, mode=mode)

    def __call__(self, event: dict) -> None:
        if event.get("event") != "guard":
            return
        body = event.get("body") or {}
        with self._lock:
            decision = body.get("decision")
            self.counts[decision] = self.counts.get(decision, 0) + 1
            if decision == "deny" and len(self.denials) < 100:
                self.denials.append(body)
            if self._log is not None:
                # The same details the in-process writer records (guard.py), so a record
                # reads alike whichever side wrote it.
                details = {"event": body.get("event"), "source": body.get("source"),
                           "pid": "target"}
                if body.get("caller") is not None:   # the file an override decided for
                    details["caller"] = body["caller"]
                try:
                    self._log.append("runtime." + str(body.get("capability")),
                                     target=body.get("target"),
                                     outcome="denied" if decision == "deny" else "allowed",
                                     details=details)
                except OSError:
                    pass


class _SignalForwarder:
    """From before the spawn until the end: SIGINT/SIGTERM/SIGHUP sent to apex go to the
    program (and do not kill apex, which must stay to report and clean up)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, isolated: bool) -> None:
        self.isolated = isolated
        self.process = None
        self.pending: list[int] = []
        self._old: dict = {}

    def __enter__(self) -> "_SignalForwarder":
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._old[sig] = signal.signal(sig, self._forward)
        return self

    def attach(self, process) -> None:
        self.process = process
        for signum in self.pending:
            self._send(signum)

    def _forward(self, signum, frame) -> None:
        if self.process is None:
            self.pending.append(signum)
        else:
            self._send(signum)

    def _program_pid(self) -> int | None:
        """The program itself, inside the sandbox (bwrap does not pass signals on)."""
        from . import BOOT_SCRIPT

        try:
            for proc in psutil.Process(self.process.pid).children(recursive=True):
                if proc.cmdline()[1:2] == [BOOT_SCRIPT]:     # python boot.py ...
                    return proc.pid
        except psutil.Error:
            pass
        return None

    def _send(self, signum: int) -> None:
        try:
            if self.isolated:
                pid = self._program_pid()
                if pid is not None:
                    os.kill(pid, signum)
                else:
                    os.killpg(self.process.pid, signum)
            elif signum != signal.SIGINT:
                # Same process group: the terminal already delivered Ctrl-C to it.
                self.process.send_signal(signum)
        except ProcessLookupError:
            pass

    def __exit__(self, *exc) -> None:
        for sig, handler in self._old.items():
            signal.signal(sig, handler)


def _scratch_tmpdir(runtime: dict, plan, base: dict[str, str] | None) -> dict[str, str]:
    """Point TMPDIR at the first allowed write directory when the policy forbids /tmp, so
    `tempfile` works inside an isolated run instead of tripping the guard."""
    from apex_policy.runtime import RuntimePolicy

    env = dict(os.environ if base is None else base)
    if plan.write_dirs and RuntimePolicy.from_dict(runtime).decide(
            "filesystem_write", "/tmp/apex-probe") != "allow":
        env["TMPDIR"] = plan.write_dirs[0]
    return env


def _kill_tree(pid: int, group: bool, run_cgroup) -> None:
    if group:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        root = psutil.Process(pid)
        for proc in [*root.children(recursive=True), root]:
            try:
                proc.kill()
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    if run_cgroup is not None:
        run_cgroup.kill_all()


def _status_of(returncode: int) -> tuple[int, str | None]:
    if returncode < 0:
        sig = -returncode
        return 128 + sig, signal.Signals(sig).name
    if returncode > 128 and returncode - 128 < signal.NSIG:
        try:
            return returncode, signal.Signals(returncode - 128).name
        except ValueError:
            pass
    return returncode, None


def execute(request: RunRequest) -> RunReport:
    log = request.log or sys.stderr
    cwd = os.path.abspath(request.cwd or os.getcwd())
    start = os.path.join(cwd, request.argv[0]) if request.argv and not request.module else cwd
    loaded, runtime = load_policy(start, request.mode)
    for error in loaded.errors:
        print(f"apex run: policy: {error}", file=log)
    mode = runtime["mode"]
    limits = runtime.get("limits") or {}
    report = RunReport(mode=mode, policy_source=loaded.source, isolation="none",
                       limits={k: v for k, v in limits.items() if v is not None})
    audit = runtime.get("audit") or {}
    audit_path = audit.get("path") if audit.get("enabled", True) else None

    listener = Listener.open()
    stage_root = tempfile.mkdtemp(prefix="apex-stage-")
    plan = None
    try:
        if mode == "isolation":
            program = [] if request.module else [os.path.dirname(start)]
            plan = sandbox.plan(runtime, cwd=cwd, socket_dir=listener.directory,
                                stage_root=stage_root, read_paths=tuple(program),
                                python=request.python)
            report.isolation, report.layers = plan.level, dict(plan.layers)
            report.sandbox = plan.via if plan.wrap else None
        else:
            report.layers = {"guard": "ok (tripwire)"}
        guard_text = "runtime guard on (a tripwire, not a boundary)" if request.guard \
            else "runtime guard OFF"
        print(f"apex run: mode {mode} ({loaded.source}); isolation {report.isolation}; "
              f"{guard_text}", file=log)
        if plan is not None and report.isolation != "full" and not request.allow_partial:
            report.reason = (f"refusing to run with {report.isolation} isolation; install what "
                             "is missing or pass --allow-partial-isolation")
            report.exit_status = EXIT_REFUSED
            print(f"apex run: {report.reason}", file=log)
            return report
        isolated = plan is not None
        events = _GuardEvents(audit_path if isolated else None, mode)
        guard = {"policy": runtime, "source": loaded.source,
                 "auditLog": False if isolated else None} if request.guard else None
        popen: dict[str, Any] = {"stdin": request.stdin, "stdout": request.stdout,
                                 "stderr": request.stderr}
        env = request.env
        if isolated:
            popen.update(preexec_fn=plan.preexec, start_new_session=True)
            env = _scratch_tmpdir(runtime, plan, request.env)
        started = time.monotonic()
        on_event = events
        if request.reload:
            from . import reload_watch
            refused = reload_watch.refusal(loaded.settings.policy)
            if refused:
                print(f"apex run: --reload refused: {refused}", file=log)
            else:
                on_event = reload_watch.tap(events, audit_path, mode)
        with _SignalForwarder(isolated) as forwarder:
            try:
                handle = spawn(request.argv, module=request.module, env=env,
                               cwd=cwd, python=request.python, guard=guard,
                               listener=listener, on_event=on_event,
                               wrap=(lambda cmd, _dir: plan.wrap + cmd) if isolated else None,
                               **popen)
            except (HarnessError, OSError) as exc:
                report.exit_status = EXIT_HARNESS
                report.reason = f"could not start the program under the harness: {exc}"
                print(f"apex run: {report.reason}", file=log)
                return report
            forwarder.attach(handle.process)
            report.command = list(handle.process.args)
            if on_event is not events:
                reload_watch.start(handle, reload_watch.roots_for(request.argv, request.module,
                                                                  cwd), log)
            _supervise(handle, report, limits, plan, isolated, started, log)
        report.guard = {"counts": dict(events.counts), "denials": events.denials}
        for denial in events.denials:
            report.violations.append({"kind": "policy", "capability": denial.get("capability"),
                                      "event": denial.get("event"),
                                      "target": denial.get("target")})
        if events.denials and report.exit_status not in (0, None) and report.reason is None:
            first = events.denials[0]
            report.reason = (f"the program exited with status {report.exit_status} after "
                             f"{len(events.denials)} policy denial(s), the first: "
                             f"{first.get('capability')} ({first.get('event')})")
            print(f"apex run: {report.reason}", file=log)
        return report
    finally:
        if plan is not None:
            if plan.cgroup is not None:
                report.cgroup = plan.cgroup.stats()
            plan.release()
        listener.close()
        try:
            os.rmdir(stage_root)
        except OSError:
            pass


def _supervise(handle, report: RunReport, limits: dict, plan, isolated: bool,
               started: float, log) -> None:
    wall = limits.get("wall")
    memory = limits.get("memory")
    monitor = ResourceMonitor(handle.pid, interval=0.25)
    process = handle.process
    killed_for = None
    monitor.sample()                 # at least one sample, however short the run
    try:
        while True:
            try:
                process.wait(0.1)
                break
            except Exception:
                pass
            sample = monitor.sample()
            elapsed = time.monotonic() - started
            if wall and elapsed > wall:
                killed_for = {"kind": "wall", "limit": wall,
                              "message": f"wall time over {wall:g} s"}
            elif memory and sample and sample["rssBytes"] > memory and not (
                    plan is not None and plan.cgroup is not None):
                # Without a cgroup, summed RSS is the only tree-wide view we have (polling
                # misses spikes and double-counts shared pages: a fallback, not a limit).
                killed_for = {"kind": "memory", "limit": memory,
                              "message": f"the process tree used {sample['rssBytes']} bytes "
                                         f"of resident memory, over the {memory} limit"}
            if killed_for:
                _kill_tree(process.pid, isolated, plan.cgroup if plan else None)
                process.wait()
                break
    finally:
        if process.poll() is not None:
            # The program is gone: read what it sent last (guard events) up to EOF
            # before closing, or a shutdown could discard it.
            handle.client.closed.wait(2.0)
        handle.client.close()
    report.wall_seconds = time.monotonic() - started
    report.peaks = dict(monitor.peaks)
    status, signame = _status_of(process.returncode)
    report.exit_status, report.signal = status, signame
    found = []                       # limits hit without the watchdog killing the run
    if plan is not None and plan.cgroup is not None:
        stats = plan.cgroup.stats()
        if stats.get("oomKills") or stats.get("memoryLimitHits"):
            found.append({"kind": "memory", "limit": memory,
                          "message": f"the cgroup memory limit was hit "
                                     f"({stats.get('oomKills') or 0} process(es) OOM-killed)"})
        if stats.get("pidsLimitHits"):
            found.append({"kind": "processes", "message":
                          f"{stats['pidsLimitHits']} process/thread creations refused at "
                          "the task limit"})
    cpu = limits.get("cpu")
    if signame == "SIGXCPU" or (signame == "SIGKILL" and cpu and
                                monitor.max_process_cpu >= cpu - 0.5):
        # soft = hard: the kernel's hard-limit SIGKILL comes with no SIGXCPU first.
        found.append({"kind": "cpu", "limit": cpu, "message": "CPU time limit reached"})
    if signame == "SIGXFSZ":
        found.append({"kind": "file_size", "limit": limits.get("file_size"),
                      "message": "file size limit reached"})
    if killed_for:
        report.violations.append(killed_for)
        report.reason = f"killed: {killed_for['message']}"
        report.exit_status = EXIT_LIMIT
        print(f"apex run: {report.reason}", file=log)
    report.violations.extend(found)
    if signame and not killed_for:
        cause = next((v["message"] for v in found if v["kind"] in ("memory", "cpu",
                                                                   "file_size")), None)
        report.reason = f"killed by {signame}" + (f": {cause}" if cause else "")
        print(f"apex run: the program was {report.reason}", file=log)


def write_report(report: RunReport, path: str) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as handle:
        json.dump(report.as_json(), handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)
