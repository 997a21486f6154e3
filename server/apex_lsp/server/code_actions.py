"""Code actions: quick fixes, suppressions, policy edits and ``source.fixAll.apex``."""
from __future__ import annotations

import os

from lsprotocol import types
from pygls.uris import from_fs_path

from apex_lsp.analysis import Finding

from . import policy_edits
from .convert import Positions
from .current import current_analysis, to_server
from .suppression import line_info, suppression_edit

FIX_ALL = "source.fixAll.apex"
SYNTAX_ERROR = "APX000"


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll,
                           FIX_ALL], resolve_provider=False))
    async def code_action(ls, params: types.CodeActionParams):
        uri = params.text_document.uri
        current = await current_analysis(ls, uri)
        if current is None:
            return None
        doc, result, positions = current
        first, _ = to_server(positions, params.range.start)
        last, _ = to_server(positions, params.range.end)
        only = params.context.only or []
        wants_fix_all = any(FIX_ALL.startswith(k) for k in only)
        actions: list[types.CodeAction] = []
        fix_all = None
        if wants_fix_all or not only:
            fix_all = fix_all_action(uri, result.findings, positions)
            if fix_all is not None and wants_fix_all:
                return [fix_all]
        if only and not any(k.startswith(types.CodeActionKind.QuickFix) or
                            types.CodeActionKind.QuickFix.startswith(k) for k in only):
            return actions
        codes = {d.code for d in params.context.diagnostics if d.source == "apex"}
        by_key = {(d.code, d.range.start.line): d for d in params.context.diagnostics}
        info = None
        for finding in result.findings:
            if finding.end_line < first or finding.line > last:
                continue
            if codes and finding.rule not in codes:
                continue
            diag = by_key.get((finding.rule, finding.line - 1))
            diags = [diag] if diag is not None else None
            if finding.fix is not None:
                actions.append(types.CodeAction(
                    title=finding.fix.title, kind=types.CodeActionKind.QuickFix,
                    diagnostics=diags, is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [positions.text_edit(e)
                                                            for e in finding.fix.edits]})))
            if finding.rule != SYNTAX_ERROR:
                info = info or line_info(result.text)
                edit = suppression_edit(result.text, finding, info)
                if edit is not None:
                    actions.append(types.CodeAction(
                        title=f"Suppress {finding.rule} on this line",
                        kind=types.CodeActionKind.QuickFix, diagnostics=diags,
                        edit=types.WorkspaceEdit(changes={uri: [positions.text_edit(edit)]})))
            actions.extend(policy_actions(ls, doc.path, finding, diags))
        if fix_all is not None and not only:  # offered with the quick fixes too
            actions.append(fix_all)
        return _dedupe(actions)


def _dedupe(actions: list[types.CodeAction]) -> list[types.CodeAction]:
    seen, out = set(), []
    for action in actions:
        if action.title not in seen:
            seen.add(action.title)
            out.append(action)
    return out


def fix_all_action(uri: str, findings: list[Finding], positions: Positions
                   ) -> types.CodeAction | None:
    edits = []
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for finding in findings:
        if finding.fix is None:
            continue
        spans = [((e.line, e.column), (e.end_line, e.end_column)) for e in finding.fix.edits]
        if any(a < d and c < b for a, b in spans for c, d in taken):
            continue  # overlaps a fix already taken; the next fixAll picks it up
        taken.extend(spans)
        edits.extend(positions.text_edit(e) for e in finding.fix.edits)
    if not edits:
        return None
    return types.CodeAction(title="Apex: fix all auto-fixable problems", kind=FIX_ALL,
                            edit=types.WorkspaceEdit(changes={uri: edits}))


# -- policy actions --------------------------------------------------------------
def policy_target(ls, doc_path: str) -> str:
    state = ls.project_for(doc_path)
    if state.source:
        return state.source
    root = ls.root_path()  # no policy file yet: start one at the workspace root
    return os.path.join(root, "pyproject.toml")


def _policy_text(ls, path: str) -> tuple[str, int | None] | None:
    uri = from_fs_path(path)
    doc = ls.open_document(uri) if uri else None
    if doc is not None:
        return doc.source, doc.version
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), None
    except FileNotFoundError:
        return "", None
    except (OSError, UnicodeDecodeError):
        return None


def _workspace_edit(ls, path: str, text: str, edit: policy_edits.LineEdit
                    ) -> types.WorkspaceEdit | None:
    uri = from_fs_path(path) or path
    lines = policy_edits.split_lines(text)
    if edit.line >= len(lines) and lines and lines[-1] != "":
        # Inserting past a last line without a newline: start at its end.
        start = types.Position(line=len(lines) - 1, character=len(lines[-1]))
        new_text = "\n" + edit.text
    else:
        start = types.Position(line=edit.line, character=0)
        new_text = edit.text
    end = types.Position(line=edit.line + edit.count, character=0) if edit.count else start
    text_edit = types.TextEdit(range=types.Range(start=start, end=end), new_text=new_text)
    if os.path.exists(path):
        return types.WorkspaceEdit(changes={uri: [text_edit]})
    caps = ls.client_capabilities.workspace
    ops = caps.workspace_edit.resource_operations if caps and caps.workspace_edit else None
    if not ops or types.ResourceOperationKind.Create not in ops:
        return None
    return types.WorkspaceEdit(document_changes=[
        types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)),
        types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
            edits=[text_edit])])


def policy_actions(ls, doc_path: str, finding: Finding, diags) -> list[types.CodeAction]:
    if not finding.capability:
        return []
    state = ls.project_for(doc_path)
    target = policy_target(ls, doc_path)
    loaded = _policy_text(ls, target)
    if loaded is None:
        return []
    text, _ = loaded
    name = os.path.basename(target)
    root = os.path.dirname(target)
    rel = os.path.relpath(doc_path, root).replace(os.sep, "/")
    actions = []
    allowed = state.capability_action(finding.capability, doc_path) == "allow"
    if not rel.startswith("..") and not allowed:
        # A per-path override: the editor verdict and the policy agree (the finding is
        # gone because the policy allows the call, not because it is hidden).
        edit = policy_edits.add_override(text, target, (rel,), finding.capability)
        wedit = edit and _workspace_edit(ls, target, text, edit)
        if wedit is not None:
            actions.append(types.CodeAction(
                title=f"Allow `{finding.capability}` for {rel} in {name} "
                      f"([[overrides]])",
                kind=types.CodeActionKind.QuickFix, diagnostics=diags, edit=wedit))
    if state.mode != "development":
        edit = policy_edits.set_value(text, target, (), "mode", "development")
        wedit = edit and _workspace_edit(ls, target, text, edit)
        if wedit is not None:
            actions.append(types.CodeAction(
                title=f"Switch this workspace to development mode ({name})",
                kind=types.CodeActionKind.QuickFix, diagnostics=diags, edit=wedit))
    return actions
