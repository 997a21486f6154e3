"""Typed arguments of the requests Apex handles itself, validated where they arrive.

These Structs are the single source of the launch/attach attribute documentation
(``docs/debugging.md`` is generated from them, and the VS Code extension's
``configurationAttributes`` will be too). Requests Apex only forwards to debugpy are
not typed here: debugpy validates them.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

import msgspec

Mode = Literal["isolation", "development", "hybrid"]


def _doc(text: str) -> msgspec.Meta:
    return msgspec.Meta(description=text)


class Args(msgspec.Struct, kw_only=True, rename="camel", forbid_unknown_fields=False):
    """Base: camelCase on the wire, unknown attributes tolerated (editors add their own)."""


class CommonSessionArgs(Args, kw_only=True):
    just_my_code: Annotated[bool, _doc(
        "Step and break only in user code (not the standard library or site-packages).")] = True
    mode: Annotated[Optional[Mode], _doc(
        "Policy mode for this session. It may only make the policy stricter than the policy "
        "file (isolation > hybrid > development); a less strict mode is refused unless the "
        "policy file sets `debug.allow-mode-override = true`.")] = None
    record: Annotated[bool, _doc(
        "Record execution history for time travel (step back, reverse continue, "
        "`apexTimeline`, `apexSaveRecording`; see docs/time-travel.md). Launch only; gated "
        "by the policy's `time_travel` operation.")] = False
    resources: Annotated[bool, _doc(
        "Send `apexResources` events (memory, CPU, threads of the target) about once a "
        "second.")] = True
    resources_interval: Annotated[float, _doc(
        "Seconds between `apexResources` events (minimum 0.25)."), msgspec.Meta(ge=0.25)] = 1.0
    token: Annotated[Optional[str], _doc(
        "Access token of an adapter started with `apex dap --port` (editors that cannot send "
        "the token line first pass it here).")] = None
    audit_log: Annotated[Optional[str], _doc(
        "Audit log for this session's debug mutations and refusals; default: the policy's "
        "`audit.path` (`.apex/audit.jsonl` under the project root), none when the policy "
        "disables auditing.")] = None


class LaunchArguments(CommonSessionArgs, kw_only=True):
    program: Annotated[Optional[str], _doc("Path of the Python file to run.")] = None
    module: Annotated[Optional[str], _doc(
        "Module to run as with `python -m` (instead of `program`).")] = None
    args: Annotated[Union[list[str], str], _doc(
        "Command-line arguments for the program (a list, or one string split like a shell "
        "would).")] = []
    cwd: Annotated[Optional[str], _doc(
        "Working directory of the program; default: the program's directory.")] = None
    env: Annotated[dict[str, Optional[str]], _doc(
        "Environment variables to add; a null value removes the variable.")] = {}
    python: Annotated[Optional[Union[str, list[str]]], _doc(
        "Interpreter to run the program with (path, or path plus interpreter options); "
        "default: the interpreter running the adapter. 3.9–3.13 are supported.")] = None
    console: Annotated[Literal["internalConsole", "integratedTerminal", "externalTerminal"], _doc(
        "Where the program's output goes. `internalConsole` sends it as `output` events; "
        "the terminal kinds ask the editor to start the program (`runInTerminal`) and fall "
        "back to `internalConsole` when the editor cannot.")] = "internalConsole"
    stop_on_entry: Annotated[bool, _doc("Stop at the first line of the program.")] = False
    record_include: Annotated[list[str], _doc(
        "With `record`: extra files or directories (globs) to record besides the workspace "
        "(the program's `cwd`).")] = []
    record_exclude: Annotated[list[str], _doc(
        "With `record`: globs of files not to record.")] = []
    record_budget_mb: Annotated[int, _doc(
        "With `record`: memory budget of the history in the program, in MiB; the oldest "
        "history is dropped beyond it."), msgspec.Meta(ge=1)] = 256
    replay: Annotated[Optional[str], _doc(
        "Path of a saved recording (`apexSaveRecording`) to replay instead of running a "
        "program: breakpoints, stepping both ways, stack and variables, no process.")] = None
    terminate_debuggee: Annotated[bool, _doc(
        "Kill the program when the editor disconnects without saying otherwise.")] = True


class ConnectAddress(Args, kw_only=True):
    host: Annotated[str, _doc("Host the target listens on; only loopback is accepted.")] = "127.0.0.1"
    port: Annotated[int, _doc("Port the target listens on."), msgspec.Meta(ge=1, le=65535)]
    token: Annotated[Optional[str], _doc(
        "Access token of the listener: pydevd's when it set one, the harness's with "
        "`harness`.")] = None
    harness: Annotated[bool, _doc(
        "The address is an `apex_harness.listen()` endpoint: Apex connects to the harness "
        "with `token`, which then starts debugpy in its program (no gdb; a runtime guard "
        "the program runs under exempts the debugger).")] = False


class AttachArguments(CommonSessionArgs, kw_only=True):
    process_id: Annotated[Optional[Union[int, str]], _doc(
        "Process id of a running Python 3.9–3.13 program to attach to; Apex injects the "
        "harness and debugpy through `apex_host` (gdb).")] = None
    connect: Annotated[Optional[ConnectAddress], _doc(
        "Address of a program that is already listening: it called `debugpy.listen()`, or "
        "`apex_harness.listen()` (set `harness`).")] = None
    terminate_debuggee: Annotated[bool, _doc(
        "Kill the program when the editor disconnects without saying otherwise.")] = False


class SetVariableArguments(Args, kw_only=True):
    variables_reference: int
    name: str
    value: str
    format: Optional[dict[str, Any]] = None


class SetExpressionArguments(Args, kw_only=True):
    expression: str
    value: str
    frame_id: Optional[int] = None
    format: Optional[dict[str, Any]] = None


class EvaluateArguments(Args, kw_only=True):
    expression: str
    frame_id: Optional[int] = None
    context: Optional[str] = None


class UndoStateEditArguments(Args, kw_only=True):
    id: Annotated[Optional[int], _doc(
        "Id of the edit to undo (from `apexStateEdits`); default: the latest edit not yet "
        "undone.")] = None


class DisconnectArguments(Args, kw_only=True):
    restart: bool = False
    terminate_debuggee: Optional[bool] = None
    suspend_debuggee: bool = False


def parse(arguments: Any, struct: type) -> Any:
    """Convert raw request arguments into ``struct``; raises msgspec.ValidationError."""
    return msgspec.convert(arguments if arguments is not None else {}, struct)


def to_wire(obj: msgspec.Struct) -> dict[str, Any]:
    return msgspec.to_builtins(obj)
