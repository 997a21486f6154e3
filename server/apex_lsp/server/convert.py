"""Translation between the analyzer's model (1-based lines, character columns,
end-exclusive spans) and LSP types (0-based, in the client's position encoding)."""
from __future__ import annotations

import re
from typing import Sequence

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from apex_lsp.analysis import Finding, Severity, TextEdit, rules_by_id

SOURCE = "apex"
UNUSED_SUPPRESSION = "APX001"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_SEVERITY = {
    Severity.CRITICAL: types.DiagnosticSeverity.Error,
    Severity.HIGH: types.DiagnosticSeverity.Error,
    Severity.MEDIUM: types.DiagnosticSeverity.Warning,
    Severity.LOW: types.DiagnosticSeverity.Information,
    Severity.INFO: types.DiagnosticSeverity.Hint,
}


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer counts them (\\r\\n, \\r and \\n only)."""
    return _LINE_BREAK.split(text)


class Positions:
    """Converts analyzer positions to client positions for one document snapshot."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.lines = split_lines(text)
        self.codec = codec
        self._utf32 = codec.encoding == types.PositionEncodingKind.Utf32

    def position(self, line: int, column: int) -> types.Position:
        """1-based line, 1-based character column -> client position (clamped)."""
        index = min(max(line - 1, 0), len(self.lines) - 1)
        text = self.lines[index]
        char = min(max(column - 1, 0), len(text))
        if self._utf32 or text.isascii():
            return types.Position(line=index, character=char)
        return types.Position(line=index, character=self.codec.client_num_units(text[:char]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        start = self.position(line, column)
        end = self.position(end_line, end_column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start=start, end=end)

    def to_server(self, position: types.Position) -> tuple[int, int]:
        """Client position -> (1-based line, 1-based character column); validates."""
        if position.line < 0 or position.character < 0 or position.line >= len(self.lines):
            raise ValueError(f"position {position.line}:{position.character} is outside the "
                             f"document ({len(self.lines)} lines)")
        text = self.lines[position.line]
        if self._utf32 or text.isascii():
            return position.line + 1, min(position.character, len(text)) + 1
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return position.line + 1, index + 1
            units += self.codec.impl.code_units_for_char(char)
        return position.line + 1, len(text) + 1

    def text_edit(self, edit: TextEdit) -> types.TextEdit:
        return types.TextEdit(range=self.range(edit.line, edit.column, edit.end_line,
                                               edit.end_column), new_text=edit.text)


def diagnostic(finding: Finding, positions: Positions, uri: str, doc_path: str) -> types.Diagnostic:
    rule = rules_by_id().get(finding.rule)
    tags = [types.DiagnosticTag.Unnecessary] if finding.rule == UNUSED_SUPPRESSION else None
    related = None
    if finding.path_steps:
        related = []
        for step in finding.path_steps:
            loc = step.location
            same_file = loc.path == doc_path or loc.path == finding.path
            if same_file:
                rng = positions.range(loc.line, loc.column, loc.end_line, loc.end_column)
            else:  # another file: its text is not at hand, so columns are taken as-is
                rng = types.Range(start=types.Position(line=max(loc.line - 1, 0),
                                                       character=max(loc.column - 1, 0)),
                                  end=types.Position(line=max(loc.end_line - 1, 0),
                                                     character=max(loc.end_column - 1, 0)))
            related.append(types.DiagnosticRelatedInformation(
                location=types.Location(uri=uri if same_file else from_fs_path(loc.path) or loc.path,
                                        range=rng),
                message=step.message))
    return types.Diagnostic(
        range=positions.range(finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule.docs_url()) if rule else None,
        source=SOURCE,
        tags=tags,
        related_information=related,
        data={"rule": finding.rule, "line": finding.line, "column": finding.column},
    )


def diagnostics(findings: Sequence[Finding], text: str, codec: PositionCodec, uri: str,
                doc_path: str) -> list[types.Diagnostic]:
    if not findings:
        return []
    positions = Positions(text, codec)
    return [diagnostic(f, positions, uri, doc_path) for f in findings]


#: The code of the note that says a file could not be (fully) analysed.
SKIPPED = "APX-SKIPPED"


def skipped_diagnostic(message: str) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0),
                          end=types.Position(line=0, character=0)),
        message=f"Apex: {message}", severity=types.DiagnosticSeverity.Information,
        code=SKIPPED, source=SOURCE)


def cwe_url(cwe: int) -> str:
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"
