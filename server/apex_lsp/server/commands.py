"""``workspace/executeCommand``: apex.setMode, apex.scanWorkspace, apex.showPolicy."""
from __future__ import annotations

import os

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.uris import to_fs_path

from apex_policy import MODES

from .workspace_scan import scan_workspace

SET_MODE = "apex.setMode"
SCAN_WORKSPACE = "apex.scanWorkspace"
SHOW_POLICY = "apex.showPolicy"


def register(server) -> None:
    @server.command(SET_MODE)
    def set_mode(ls, *args):
        """``apex.setMode(mode | null)``: this session's mode, over the policy file's."""
        if len(args) != 1 or not (args[0] is None or args[0] in MODES):
            raise JsonRpcInvalidParams(
                f"{SET_MODE} takes one argument: one of {', '.join(MODES)}, or null to "
                f"return to the policy file's mode; got {list(args)!r}")
        mode = args[0]
        ls.session_mode = mode
        ls.apply_config(ls.projects.config.with_mode(mode))
        return ls.send_status(force=True)

    @server.command(SCAN_WORKSPACE)
    async def scan(ls, *args):
        """Analyse every Python file in the workspace; publishes and returns a summary."""
        open_uris = {u for u, d in ls.workspace.text_documents.items() if ls.is_python(d)}
        result = await scan_workspace(ls, skip=open_uris, publish=True)
        return result.summary()

    @server.command(SHOW_POLICY)
    def show_policy(ls, *args):
        """The effective policy for a file (URI argument) or the workspace root."""
        if len(args) > 1 or (args and not isinstance(args[0], str)):
            raise JsonRpcInvalidParams(f"{SHOW_POLICY} takes an optional document URI")
        if args:
            path = to_fs_path(args[0]) or args[0]
        else:
            path = os.path.join(ls.root_path(), "__apex_policy__.py")
        summary = ls.project_for(path).policy_summary()
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Info,
            message=f"Apex: {summary['mode']} mode (policy: {summary['source']})"))
        return summary
