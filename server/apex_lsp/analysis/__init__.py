"""The security analyzer: one AST pass, rules dispatched by node type and callee."""
from .engine import Analyzer, FileResult
from .model import Confidence, FileError, Finding, Fix, Location, PathStep, Severity, TextEdit
from .registry import all_rules, rules_by_id

__all__ = ["Analyzer", "FileResult", "Finding", "FileError", "Fix", "TextEdit", "Location",
           "PathStep", "Severity", "Confidence", "all_rules", "rules_by_id"]
