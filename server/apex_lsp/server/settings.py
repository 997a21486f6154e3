"""Editor settings (workspace/configuration, didChangeConfiguration) and policy
files on disk (didChangeWatchedFiles): both re-evaluate the open documents."""
from __future__ import annotations

import logging
import os
from typing import Any, Mapping

from lsprotocol import types
from pygls.uris import to_fs_path

from .config import SECTION, parse_config
from .project import POLICY_FILES

log = logging.getLogger(__name__)


def merged(base: Any, override: Any) -> Any:
    """Deep-merge two JSON objects (override wins); non-objects are replaced."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        out = dict(base)
        for key, value in override.items():
            out[key] = merged(out.get(key), value)
        return out
    return base if override is None else override


def _section_of(raw: Any) -> Any:
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]
    return raw


async def pull_configuration(ls) -> bool:
    """Ask the client for the ``apex`` section; returns whether it answered."""
    if not ls.supports_configuration:
        return False
    try:
        answer = await ls.workspace_configuration_async(types.ConfigurationParams(
            items=[types.ConfigurationItem(section=SECTION)]))
    except Exception:
        log.warning("workspace/configuration failed", exc_info=True)
        return False
    editor = answer[0] if answer else None
    apply_raw(ls, editor)
    return True


def apply_raw(ls, editor_settings: Any) -> None:
    raw = merged(_section_of(ls.init_options) or {}, _section_of(editor_settings) or {})
    config, errors = parse_config(raw)
    for message in errors:
        ls.warn(f"Apex: {message}; using the default")
    # A mode chosen with apex.setMode outlives configuration pushes that do not set one.
    if config.mode is None and ls.session_mode:
        config = config.with_mode(ls.session_mode)
    if config != ls.projects.config:
        ls.apply_config(config)


def register(server) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls, params: types.DidChangeConfigurationParams) -> None:
        if not await pull_configuration(ls):
            apply_raw(ls, params.settings)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(ls, params: types.DidChangeWatchedFilesParams) -> None:
        changed = [to_fs_path(change.uri) or change.uri for change in params.changes]
        if any(os.path.basename(path) in POLICY_FILES for path in changed):
            ls.reevaluate()
            return
        # Python files changed outside the editor: update the cross-file taint index.
        open_paths = {os.path.abspath(d.path) for d in ls.workspace.text_documents.values()
                      if d.path}
        outside = [p for p in changed if p.endswith(".py") and os.path.abspath(p) not in open_paths]
        if outside:
            await ls.pool.run(ls.projects.refresh_files, outside)
            for uri, doc in list(ls.workspace.text_documents.items()):
                if ls.is_python(doc):
                    ls.scheduler.request(uri)
            ls.diagnostic_changes.notify(disk=True)  # held workspace pulls rescan
