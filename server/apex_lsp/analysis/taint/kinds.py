"""Sink kinds: what untrusted (or secret) data must not reach, and the rule that says so."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SinkKind:
    name: str
    rule_id: str
    title: str
    #: Which source families the kind cares about: "remote" input (a web request),
    #: "local" input (command line, environment, stdin) or "secret" values.
    accepts: frozenset = frozenset({"remote"})

    @property
    def family(self) -> str:
        return "secret" if "secret" in self.accepts else "untrusted"


#: Local input (command line, environment, stdin) is the user's own: it matters where it
#: can run code, not where a program opens the files it is told to (CodeQL's default
#: "remote" threat model makes the same cut).
LOCAL_TOO = frozenset({"remote", "local"})

KINDS: dict[str, SinkKind] = {k.name: k for k in (
    SinkKind("code", "APX800", "code execution", accepts=LOCAL_TOO),
    SinkKind("command", "APX801", "command execution", accepts=LOCAL_TOO),
    SinkKind("sql", "APX802", "SQL query"),
    SinkKind("template", "APX803", "template compiled from a string"),
    SinkKind("xss", "APX804", "HTTP response body / markup"),
    SinkKind("redirect", "APX805", "redirect target"),
    SinkKind("path", "APX806", "file system path"),
    SinkKind("ssrf", "APX807", "outbound request URL"),
    SinkKind("deserialization", "APX808", "deserializer input", accepts=LOCAL_TOO),
    SinkKind("ldap", "APX809", "LDAP filter"),
    SinkKind("xpath", "APX810", "XPath expression"),
    SinkKind("log", "APX811", "log or console output", accepts=frozenset({"secret"})),
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
