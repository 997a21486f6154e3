"""Sink kinds: what untrusted (or secret) data must not reach, and the rule that says so."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SinkKind:
    name: str
    rule_id: str
    title: str
    #: Which source family the kind cares about: "untrusted" input or "secret" values.
    family: str = "untrusted"


KINDS: dict[str, SinkKind] = {k.name: k for k in (
    SinkKind("code", "APX800", "code execution"),
    SinkKind("command", "APX801", "command execution"),
    SinkKind("sql", "APX802", "SQL query"),
    SinkKind("template", "APX803", "template compiled from a string"),
    SinkKind("xss", "APX804", "HTTP response body / markup"),
    SinkKind("redirect", "APX805", "redirect target"),
    SinkKind("path", "APX806", "file system path"),
    SinkKind("ssrf", "APX807", "outbound request URL"),
    SinkKind("deserialization", "APX808", "deserializer input"),
    SinkKind("ldap", "APX809", "LDAP filter"),
    SinkKind("xpath", "APX810", "XPath expression"),
    SinkKind("log", "APX811", "log or console output", family="secret"),
)}

ALL_KINDS: frozenset[str] = frozenset(KINDS)
RULE_TO_KIND: dict[str, str] = {k.rule_id: k.name for k in KINDS.values()}

#: CWE ids of the *pattern* rules that look at the same sinks; a taint verdict on a
#: sink call is matched to pattern findings at the same location through these.
PATTERN_CWES: dict[str, frozenset[int]] = {
    "code": frozenset({94, 95, 470}),
    "command": frozenset({77, 78, 88}),
    "sql": frozenset({89}),
    "template": frozenset({1336, 94}),
    "xss": frozenset({79, 80}),
    "redirect": frozenset({601}),
    "path": frozenset({22, 23, 73}),
    "ssrf": frozenset({918}),
    "deserialization": frozenset({502}),
    "ldap": frozenset({90}),
    "xpath": frozenset({643}),
    "log": frozenset({532, 312}),
}
