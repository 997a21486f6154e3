"""Taint analysis: untrusted (or secret) data reaching dangerous sinks.

Modules, in the order data moves through them:

* ``tables`` / ``kinds`` / ``spec``: sources, sinks and sanitizers as data, merged
  with ``[tool.apex.taint]``;
* ``frameworks``: which function parameters a web framework fills from the request;
* ``flow``: the per-function data-flow engine, producing ``facts``;
* ``module``: a module's environment and its functions' facts, cached by content hash;
* ``link``: summaries (parameter -> sink / return) and findings across calls;
* ``report``: findings, and reconciling them with pattern rules;
* ``taint_pass``: the Analyzer pass (one file); ``workspace``: across files.
"""
from .report import reconcile
from .spec import TaintSpec, build_spec
from .taint_pass import TaintPass, taint_pass_for

__all__ = ["TaintPass", "TaintSpec", "build_spec", "reconcile", "taint_pass_for"]
