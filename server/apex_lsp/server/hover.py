"""Hover on a finding: what the rule says, the CWE, and what the policy makes of it."""
from __future__ import annotations

import re

from lsprotocol import types

from apex_lsp.analysis import Finding, rules_by_id

from .convert import cwe_url
from .current import current_analysis, to_server
from .project import ProjectState

#: Sections of a rule's docs shown in a hover (the rest is one click away).
HOVER_SECTIONS = ("What it does", "Why is this bad")
MAX_SECTION_CHARS = 600


def register(server) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls, params: types.HoverParams):
        uri = params.text_document.uri
        current = await current_analysis(ls, uri)
        if current is None:
            return None
        doc, result, positions = current
        line, column = to_server(positions, params.position)
        hits = [f for f in result.findings if _contains(f, line, column)]
        if not hits:
            return None
        state = ls.project_for(doc.path)
        text = "\n\n---\n\n".join(hover_markdown(f, state) for f in hits)
        first = hits[0]
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=positions.range(first.line, first.column, first.end_line, first.end_column))


def _contains(finding: Finding, line: int, column: int) -> bool:
    start, end = (finding.line, finding.column), (finding.end_line, finding.end_column)
    if start == end:  # zero-width (e.g. some syntax errors): the whole line
        return line == finding.line
    return start <= (line, column) <= end


def doc_sections(doc: str) -> dict[str, str]:
    sections: dict[str, str] = {}
    for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", doc, re.S | re.M):
        sections[match.group(1).strip()] = match.group(2).strip()
    return sections


def hover_markdown(finding: Finding, state: ProjectState) -> str:
    rule = rules_by_id().get(finding.rule)
    title = f"**{finding.rule}**"
    if rule is not None:
        title += f" `{rule.name}`"
    facts = [f"severity **{finding.severity}**", f"confidence {finding.confidence}"]
    if finding.cwe:
        facts.append(f"[CWE-{finding.cwe}]({cwe_url(finding.cwe)})")
    parts = [f"{title} — {', '.join(facts)}", finding.message]
    if rule is not None:
        sections = doc_sections(rule.doc())
        for name in HOVER_SECTIONS:
            body = sections.get(name)
            if body:
                if len(body) > MAX_SECTION_CHARS:
                    body = body[:MAX_SECTION_CHARS].rsplit(" ", 1)[0] + " …"
                parts.append(f"*{name}:* {body}")
        parts.append(f"[Rule documentation]({rule.docs_url()})")
    parts.append(policy_explanation(finding, state))
    return "\n\n".join(parts)


def policy_explanation(finding: Finding, state: ProjectState) -> str:
    where = state.describe_source()
    head = f"**Mode:** `{state.mode}` (from {where})."
    if not finding.capability:
        return head + " This rule does not depend on a capability: it is reported in every mode."
    action = state.capability_action(finding.capability, finding.path)
    if action is None:
        return head + f" Uses capability `{finding.capability}`."
    verb = {"allow": "allowed", "audit": "allowed and audited", "deny": "denied"}.get(action,
                                                                                    action)
    return (head + f" Uses capability `{finding.capability}`, which this policy has "
            f"**{verb}** (`{action}`) in {state.mode} mode; severity follows from that.")
