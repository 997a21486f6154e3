"""The per-function data-flow engine.

Walks one function's statements in order with an environment mapping names
(and dotted access paths such as ``self.cmd``) to taint. Branches are analysed
from copies of the environment and merged by union (a value is tainted after an
``if`` when either branch taints it; it is sanitized only when both do); loop
bodies are run until the environment stops changing (at most twice). Calls to
functions that may be summarised (same module or an import) become call sites
whose result is a placeholder origin resolved by link.py.
"""
from __future__ import annotations

import ast
import re
import sys

from ..statements import statement_lines
from . import tables
from .facts import CallSite, Flow, FunctionFacts, SinkHit, Verdict
from .frameworks import HandlerInfo
from .kinds import ALL_KINDS, KINDS

MAX_STEPS = 24
_NOTHING = frozenset()
_ALL = ALL_KINDS
EMPTY: dict = {}
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault",
                       "appendleft", "extendleft", "put", "put_nowait", "write", "writelines"})
#: Parameter names that hold a secret. A bare `token` is left out: in a tokenizer it is not.
SECRET_PARAM = re.compile(r"(password|passwd|secret|(access|auth|api|bearer|refresh)_?token|"
                           r"api_?key|private_?key|credentials?)$", re.IGNORECASE)


def union(a: dict, b: dict) -> dict:
    if not a:
        return b
    if not b or a is b:
        return a
    out = dict(a)
    for origin, value in b.items():
        current = out.get(origin)
        if current is None:
            out[origin] = value
        else:
            cleared = current[1] & value[1]
            steps = current[0] if len(current[0]) <= len(value[0]) else value[0]
            if cleared is not current[1] or steps is not current[0]:
                out[origin] = (steps, cleared)
    return out


def extend(taint: dict, step) -> dict:
    if not taint:
        return taint
    return {o: ((s + (step,)) if len(s) < MAX_STEPS else s, c) for o, (s, c) in taint.items()}


def clear(taint: dict, kinds: frozenset, step=None) -> dict:
    if not taint:
        return taint
    return {o: ((s + (step,)) if step is not None and len(s) < MAX_STEPS else s, c | kinds)
            for o, (s, c) in taint.items()}


def span(node: ast.AST) -> tuple[int, int, int, int]:
    line = node.lineno
    return (line, node.col_offset + 1, node.end_lineno or line, (node.end_col_offset or 0) + 1)


def step(node: ast.AST, message: str) -> tuple:
    return span(node) + (message,)


def dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _kinds(sanitizer: tables.Sanitizer) -> frozenset:
    return frozenset(sanitizer.kinds) if sanitizer.kinds else _ALL


class FunctionFlow:
    """Analyses one function (or a module's top level) into FunctionFacts."""

    def __init__(self, module, node, qualname: str, class_name: str | None,
                 handler: HandlerInfo | None) -> None:
        self.m = module
        self.spec = module.spec
        self.node = node
        self.qualname = qualname
        self.class_name = class_name
        self.handler = handler or HandlerInfo()
        self.env: dict[str, dict] = {}
        self.flows: list[Flow] = []
        self.sites: list[CallSite] = []
        self.verdicts: list[Verdict] = []
        self.dead = False
        self.stmt: ast.stmt | None = None
        self.parsed_urls: dict[str, str] = {}
        self._const_names: frozenset | None = None
        self.nested: dict[str, str] = {}
        self.params: tuple[str, ...] = ()

    # -- driver ---------------------------------------------------------------
    def run(self) -> FunctionFacts:
        node = self.node
        if isinstance(node, ast.Module):
            self.block(node.body)
            return FunctionFacts(self.qualname, (), 1, tuple(self.flows), tuple(self.sites),
                                 tuple(self.verdicts))
        args = node.args
        positional = args.posonlyargs + args.args
        names = [a.arg for a in positional]
        if args.vararg:
            names.append("*" + args.vararg.arg)
        names += [a.arg for a in args.kwonlyargs]
        if args.kwarg:
            names.append("**" + args.kwarg.arg)
        self.params = tuple(names)
        every = positional + ([args.vararg] if args.vararg else []) + args.kwonlyargs + \
            ([args.kwarg] if args.kwarg else [])
        for index, arg in enumerate(every):
            taint = {("p", index): ((step(arg, f"parameter `{arg.arg}` of `{node.name}()`"),),
                                    _NOTHING)}
            label = self.handler.tainted.get(arg.arg)
            if label is not None:
                taint[("s", label, ("remote",))] = (
                    (step(arg, f"source: {label}"),), _NOTHING)
            if SECRET_PARAM.search(arg.arg) and arg.arg not in self.handler.requests:
                taint[("s", f"secret parameter `{arg.arg}`", ("secret",))] = (
                    (step(arg, f"secret: parameter `{arg.arg}`"),), _NOTHING)
            self.env[arg.arg] = taint
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.nested[stmt.name] = f"{self.qualname}.{stmt.name}"
        self.block(node.body)
        return FunctionFacts(self.qualname, self.params, node.lineno, tuple(self.flows),
                             tuple(self.sites), tuple(self.verdicts))

    # -- statements -------------------------------------------------------------
    def block(self, body: list) -> None:
        for stmt in body:
            if self.dead:
                return
            self.statement(stmt)

    def statement(self, node: ast.stmt) -> None:
        self.stmt = node
        cls = node.__class__
        if cls is ast.Expr:
            value = node.value
            self.ev(value)
            if value.__class__ is ast.Call and _last_name(value.func) in _NO_RETURN_NAMES and \
                    self.m.qualname(value.func) in tables.NO_RETURN_CALLS:
                self.dead = True
        elif cls is ast.Assign:
            taint = self.ev(node.value)
            for target in node.targets:
                self.assign(target, taint, node.value)
        elif cls is ast.AugAssign:
            taint = union(self.ev(node.target), self.ev(node.value))
            self.assign(node.target, taint, node.value, augmented=True)
        elif cls is ast.AnnAssign:
            if node.value is not None:
                self.assign(node.target, self.ev(node.value), node.value)
        elif cls is ast.Return:
            if node.value is not None:
                self.returned(node.value, self.ev(node.value))
            self.dead = True
        elif cls is ast.If:
            self.ev(node.test)
            self.branches(node.test, node.body, node.orelse)
        elif cls in (ast.For, ast.AsyncFor):
            self.loop(node, self.ev(node.iter))
        elif cls is ast.While:
            self.ev(node.test)
            self.loop(node, None)
        elif cls in (ast.With, ast.AsyncWith):
            for item in node.items:
                taint = self.ev(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, taint, item.context_expr)
            self.block(node.body)
        elif cls is ast.Try or cls.__name__ == "TryStar":
            self.try_(node)
        elif cls is ast.Raise:
            if node.exc is not None:
                self.ev(node.exc)
            self.dead = True
        elif cls in (ast.Continue, ast.Break):
            self.dead = True
        elif cls is ast.Assert:
            self.ev(node.test)
            self.refine(node.test, True, self.env)
        elif cls is ast.Delete:
            for target in node.targets:
                key = dotted(target)
                if key:
                    self.env.pop(key, None)
        elif cls is ast.Match:
            self.match(node)
        # FunctionDef/ClassDef/Import/Global/Pass: nothing flows here.

    def branches(self, test, body, orelse) -> None:
        before = self.env
        self.env = dict(before)
        self.refine(test, True, self.env)
        self.block(body)
        then_env, then_dead = self.env, self.dead
        self.env, self.dead = dict(before), False
        self.refine(test, False, self.env)
        self.block(orelse)
        else_env, else_dead = self.env, self.dead
        if then_dead and else_dead:
            self.env, self.dead = else_env, True
        elif then_dead:
            self.env, self.dead = else_env, False
        elif else_dead:
            self.env, self.dead = then_env, False
        else:
            self.env, self.dead = merge(then_env, else_env), False

    def loop(self, node, iter_taint) -> None:
        before = self.env
        for _ in range(2):
            start = self.env
            self.env = dict(start)
            if iter_taint is not None:
                self.assign(node.target, iter_taint, node.iter)
            elif isinstance(node, ast.While):
                self.refine(node.test, True, self.env)
            self.block(node.body)
            self.dead = False
            merged = merge(start, self.env)
            self.env = merged
            if _same(merged, start):
                break
        self.block(node.orelse)
        self.dead = False
        self.env = merge(before, self.env)

    def try_(self, node) -> None:
        before = self.env
        self.env = dict(before)
        self.block(node.body)
        body_env, body_dead = self.env, self.dead
        outs = []
        handler_start = merge(before, body_env)
        for handler in node.handlers:
            self.env, self.dead = dict(handler_start), False
            if handler.type is not None:
                self.ev(handler.type)
            if handler.name:
                self.env[handler.name] = EMPTY
            self.block(handler.body)
            if not self.dead:
                outs.append(self.env)
        self.env, self.dead = body_env, body_dead
        if not body_dead:
            self.block(node.orelse)
            if not self.dead:
                outs.append(self.env)
        if outs:
            env = outs[0]
            for other in outs[1:]:
                env = merge(env, other)
            self.env, self.dead = env, False
        else:
            self.env, self.dead = handler_start, True
        if node.finalbody:
            was_dead = self.dead
            self.dead = False
            self.block(node.finalbody)
            self.dead = self.dead or was_dead

    def match(self, node) -> None:
        subject = self.ev(node.subject)
        before = self.env
        outs = [before]
        for case in node.cases:
            self.stmt = case  # its pattern and guard are a statement of their own
            self.env, self.dead = dict(before), False
            for sub in ast.walk(case.pattern):
                name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                if isinstance(name, str):
                    self.env[name] = subject
            if case.guard is not None:
                self.ev(case.guard)
            self.block(case.body)
            if not self.dead:
                outs.append(self.env)
        env = outs[0]
        for other in outs[1:]:
            env = merge(env, other)
        self.env, self.dead = env, False

    # -- assignment -------------------------------------------------------------
    def assign(self, target, taint: dict, value=None, augmented: bool = False) -> None:
        cls = target.__class__
        if cls is ast.Name:
            if taint:
                taint = extend(taint, step(target, f"assigned to `{target.id}`"))
            self.env[target.id] = taint
            if value is not None and value.__class__ is ast.Call and \
                    self.m.qualname(value.func) in tables.URL_PARSERS and value.args:
                source = dotted(value.args[0])
                if source:
                    self.parsed_urls[target.id] = source
        elif cls in (ast.Tuple, ast.List):
            values = value.elts if value is not None and value.__class__ in (ast.Tuple, ast.List) \
                and len(value.elts) == len(target.elts) else None
            for index, element in enumerate(target.elts):
                if element.__class__ is ast.Starred:
                    element = element.value
                part = self.ev_quiet(values[index]) if values is not None else taint
                self.assign(element, part)
        elif cls is ast.Attribute:
            key = dotted(target)
            if key:
                if taint:
                    taint = extend(taint, step(target, f"stored in `{key}`"))
                self.env[key] = taint
            else:
                self.ev(target.value)
        elif cls is ast.Subscript:
            self.ev(target.slice)
            key = dotted(target.value)
            if key and taint:
                self.env[key] = union(self.lookup(key),
                                      extend(taint, step(target, f"stored in an item of `{key}`")))
        elif cls is ast.Starred:
            self.assign(target.value, taint)

    def returned(self, node, taint: dict) -> None:
        if not taint:
            return
        here = step(node, "returned")
        for origin, (steps, cleared) in taint.items():
            self.flows.append(Flow(origin, ("return",), steps + (here,), cleared))
        if self.handler.returns_html and node.__class__ not in (ast.Dict, ast.List, ast.DictComp):
            self.sink_flows(SinkHit("xss", "Flask view return value", span(node),
                                    self.stmt_lines()), taint, node)

    def stmt_lines(self) -> tuple[int, int]:
        return statement_lines(self.stmt) if self.stmt is not None else (0, 0)

    # -- refinement (sanitizing guards) ---------------------------------------
    def refine(self, test, positive: bool, env: dict) -> None:
        cls = test.__class__
        if cls is ast.UnaryOp and isinstance(test.op, ast.Not):
            self.refine(test.operand, not positive, env)
            return
        if cls is ast.BoolOp:
            if isinstance(test.op, ast.And) and positive or \
                    isinstance(test.op, ast.Or) and not positive:
                for value in test.values:
                    self.refine(value, positive, env)
            return
        if cls is ast.Compare and len(test.ops) == 1:
            op = test.ops[0]
            left, right = test.left, test.comparators[0]
            if isinstance(op, (ast.In, ast.NotIn)) and \
                    positive == isinstance(op, ast.In) and not self.ev_quiet(right):
                self.vouch(left, env, "allow-list membership check")
            elif isinstance(op, (ast.Eq, ast.Is)) and positive or \
                    isinstance(op, (ast.NotEq, ast.IsNot)) and not positive:
                if isinstance(right, ast.Constant):
                    self.vouch(left, env, "compared with a constant")
            return
        if cls is ast.Call and positive:
            func = test.func
            guard = tables.GUARD_CALLS.get(self.m.qualname(func) or "")
            if guard is not None and test.args:
                self._clear_key(test.args[0], env, _kinds(guard), "checked by a URL allow-list")
            elif func.__class__ is ast.Attribute and func.attr in tables.GUARD_METHODS:
                self._clear_key(func.value, env, _ALL, f"checked with .{func.attr}()")

    def vouch(self, subject, env: dict, why: str) -> None:
        """``subject`` passed an allow-list: clear it, or the URL it was parsed from."""
        cls = subject.__class__
        if cls is ast.Attribute and subject.attr in tables.URL_HOST_ATTRIBUTES:
            base = subject.value
            source = None
            if base.__class__ is ast.Call and self.m.qualname(base.func) in tables.URL_PARSERS \
                    and base.args:
                source = dotted(base.args[0])
            elif base.__class__ is ast.Name:
                source = self.parsed_urls.get(base.id)
            if source:
                kinds = frozenset(tables.URL_GUARD_KINDS)
                self._clear_name(source, env, kinds, subject, "host checked against an allow-list")
                return
        self._clear_key(subject, env, _ALL, why)

    def _clear_key(self, node, env: dict, kinds: frozenset, why: str) -> None:
        if node.__class__ is ast.Call and self.m.qualname(node.func) == "os.path.basename" \
                and node.args:
            node = node.args[0]
        key = dotted(node)
        if key:
            self._clear_name(key, env, kinds, node, why)

    def _clear_name(self, key: str, env: dict, kinds: frozenset, node, why: str) -> None:
        current = env.get(key)
        if current is None:
            current = self.lookup(key)
        if current:
            env[key] = clear(current, kinds, step(node, f"sanitized: {why}"))

    # -- expressions ------------------------------------------------------------
    def lookup(self, key: str) -> dict:
        found = self.env.get(key)
        if found is not None:
            return found
        if "." not in key:
            return self.m.globals.get(key, EMPTY)
        return self.lookup(key.rpartition(".")[0])

    def ev_quiet(self, node) -> dict:
        return self.ev(node)

    def ev(self, node) -> dict:
        cls = node.__class__
        if cls is ast.Name:
            found = self.env.get(node.id)
            if found is not None:
                return found
            imported = self.m.aliases.get(node.id)
            if imported is not None:  # `from sys import argv`, `from os import environ as env`
                source = self.spec.source_attributes.get(imported)
                if source is not None:
                    return self.source(source.label, source.families, node)
            return self.m.globals.get(node.id, EMPTY)
        if cls is ast.Constant:
            return EMPTY
        if cls is ast.Attribute:
            return self.attribute(node)
        if cls is ast.Call:
            return self.call(node)
        if cls is ast.Subscript:
            return self.subscript(node)
        if cls is ast.BinOp:
            return union(self.ev(node.left), self.ev(node.right))
        if cls is ast.JoinedStr:
            out = EMPTY
            for value in node.values:
                if value.__class__ is ast.FormattedValue:
                    out = union(out, self.ev(value.value))
                    if value.format_spec is not None:
                        self.ev(value.format_spec)
            return out
        if cls is ast.FormattedValue:
            return self.ev(node.value)
        if cls is ast.BoolOp:
            out = EMPTY
            for value in node.values:
                out = union(out, self.ev(value))
            return out
        if cls is ast.IfExp:
            self.ev(node.test)
            saved = self.env
            self.env = dict(saved)
            self.refine(node.test, True, self.env)
            body = self.ev(node.body)
            self.env = dict(saved)
            self.refine(node.test, False, self.env)
            orelse = self.ev(node.orelse)
            self.env = saved
            return union(body, orelse)
        if cls is ast.Compare:
            self.ev(node.left)
            for comparator in node.comparators:
                self.ev(comparator)
            return EMPTY
        if cls is ast.UnaryOp:
            taint = self.ev(node.operand)
            return EMPTY if isinstance(node.op, ast.Not) else taint
        if cls in (ast.List, ast.Tuple, ast.Set):
            out = EMPTY
            for element in node.elts:
                out = union(out, self.ev(element))
            return out
        if cls is ast.Dict:
            out = EMPTY
            for key, value in zip(node.keys, node.values):
                if key is not None:
                    out = union(out, self.ev(key))
                out = union(out, self.ev(value))
            return out
        if cls in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            return self.comprehension(node)
        if cls is ast.Await:
            return self.ev(node.value)
        if cls is ast.Starred:
            return self.ev(node.value)
        if cls is ast.NamedExpr:
            taint = self.ev(node.value)
            self.assign(node.target, taint, node.value)
            return self.env.get(node.target.id, taint)
        if cls in (ast.Yield, ast.YieldFrom):
            if node.value is not None:
                taint = self.ev(node.value)
                self.returned(node.value, taint)
            return EMPTY
        if cls is ast.Slice:
            for part in (node.lower, node.upper, node.step):
                if part is not None:
                    self.ev(part)
            return EMPTY
        return EMPTY  # Lambda and anything else: nothing flows out

    def comprehension(self, node) -> dict:
        saved = {}
        for generator in node.generators:
            taint = self.ev(generator.iter)
            for sub in ast.walk(generator.target):
                if sub.__class__ is ast.Name and sub.id not in saved:
                    saved[sub.id] = self.env.get(sub.id)
            self.assign(generator.target, taint)
            for condition in generator.ifs:
                self.ev(condition)
        if node.__class__ is ast.DictComp:
            out = union(self.ev(node.key), self.ev(node.value))
        else:
            out = self.ev(node.elt)
        for name, value in saved.items():
            if value is None:
                self.env.pop(name, None)
            else:
                self.env[name] = value
        return out

    def attribute(self, node: ast.Attribute) -> dict:
        qual = self.m.qualname(node)
        if qual is not None:
            source = self.spec.source_attributes.get(qual)
            if source is not None:
                return self.source(source.label, source.families, node)
        base = node.value
        if base.__class__ is ast.Name and base.id in self.handler.requests and \
                node.attr in tables.REQUEST_ATTRIBUTES:
            return self.source(f"request.{node.attr}", ("remote",), node)
        key = dotted(node)
        if key is not None:
            found = self.env.get(key)
            if found is not None:
                return found
        return self.ev(base)

    def source(self, label: str, families, node) -> dict:
        return {("s", label, tuple(families)): ((step(node, f"source: {label}"),), _NOTHING)}

    def subscript(self, node: ast.Subscript) -> dict:
        taint = self.ev(node.value)
        self.ev(node.slice)
        if taint:
            key = node.slice
            if key.__class__ is ast.Constant and isinstance(key.value, str) and \
                    self.spec.secret_name.search(key.value) and _has_source(taint):
                taint = union(taint, self.source(f"secret {key.value!r}", ("secret",), node))
        return taint

    def call(self, node: ast.Call) -> dict:
        func = node.func
        qual = self.m.qualname(func)
        is_attr = func.__class__ is ast.Attribute
        resolved_import = qual is not None and self.m.is_import(qual)
        spec = self.spec
        if not is_attr:
            receiver = EMPTY
        elif resolved_import and _root_name(func) not in self.env and \
                not _source_prefix(qual, spec.source_attributes):
            receiver = EMPTY  # a module attribute (`os.path.join`): nothing to read
        else:
            receiver = self.ev(func.value)
        positional = [self.ev(arg) for arg in node.args] if node.args else []
        keywords = {kw.arg: self.ev(kw.value) for kw in node.keywords} if node.keywords else {}
        method = func.attr if is_attr else None

        # Most calls name nothing in the tables: one set lookup each rules them out.
        known = qual is not None and qual in spec.known
        by_method = method is not None and not resolved_import and method in spec.known_methods
        if known or by_method:
            found = self._tabled(node, func, qual, method, known, by_method, resolved_import,
                                 receiver, positional, keywords)
            if found is not None:
                return found
        elif method is not None and func.value.__class__ is ast.Name and \
                func.value.id in self.handler.requests and method in tables.REQUEST_METHODS:
            return self.source(f"request.{method}()", ("remote",), node)
        everything = receiver
        for taint in positional:
            everything = union(everything, taint)
        for taint in keywords.values():
            everything = union(everything, taint)
        if method == "get" and receiver and node.args and _secret_key(node.args[0], spec) \
                and _has_source(receiver):
            everything = union(everything, self.source(f"secret {node.args[0].value!r}",
                                                       ("secret",), node))
        if known or by_method:
            sanitizer = spec.sanitizers.get(qual) if known else None
            name = qual
            if sanitizer is None and by_method:
                sanitizer = spec.sanitizers.get("." + method)
                name = "." + method
            if sanitizer is not None:
                return clear(everything, _kinds(sanitizer), step(node, f"sanitized by {name}()"))
        if is_attr and _orm_lookup(func.value):
            return EMPTY

        # container mutation: items.append(x) taints items
        if method in _MUTATORS and (positional or keywords):
            key = dotted(func.value)
            if key:
                added = EMPTY
                for taint in positional:
                    added = union(added, taint)
                if added:
                    self.env[key] = union(self.lookup(key),
                                          extend(added, step(node, f"added to `{key}`")))
            return EMPTY

        # calls that may be summarised
        target = self.target(func, qual)
        if target is not None:
            index = len(self.sites)
            bound = target[2]
            self.sites.append(CallSite(target[:2], target[1].rpartition(".")[2] or target[1],
                                       span(node), self.stmt_lines(), bound))
            call_step = step(node, f"passed to `{self.sites[-1].name}()`")
            for position, taint in enumerate(positional):
                if taint:
                    where = position if node.args[position].__class__ is not ast.Starred else "*"
                    self._arg_flows(index, where, taint, call_step)
            for kw in node.keywords:
                taint = keywords[kw.arg]
                if taint:
                    self._arg_flows(index, kw.arg if kw.arg is not None else "**", taint,
                                    call_step)
            result = {("c", index): ((), _NOTHING)}
            if receiver:
                if bound:
                    self._arg_flows(index, -1, receiver, call_step)
                else:  # `module.attr.fn()` may be a method of a tainted object
                    result = union(result, receiver)
            return result
        return everything

    def _tabled(self, node, func, qual, method, known, by_method, resolved_import, receiver,
                positional, keywords):
        """Sources, sinks and clean calls from the tables; None when the call is none."""
        spec = self.spec
        if known:
            source = spec.source_calls.get(qual) or spec.source_attributes.get(qual)
            if source is not None and source.receiver is None:
                taint = self.source(source.label, source.families, node)
                if node.args and _secret_key(node.args[0], spec):
                    taint = union(taint, self.source(f"secret {node.args[0].value!r}",
                                                     ("secret",), node))
                return taint
        if by_method:
            source = spec.source_calls.get("." + method)
            if source is not None and _receiver_matches(func.value, source.receiver):
                return self.source(source.label, source.families, node)
        if method is not None and func.value.__class__ is ast.Name and \
                func.value.id in self.handler.requests and method in tables.REQUEST_METHODS:
            return self.source(f"request.{method}()", ("remote",), node)
        sink = spec.sinks.get(qual) if known else None
        sink_name = qual
        if sink is None and by_method:
            candidate = spec.method_sink(method)
            if candidate is not None and _receiver_matches(func.value, candidate.receiver):
                sink, sink_name = candidate, f".{method}()"
        if sink is not None:
            self.check_sink(node, sink, sink_name, receiver, positional, keywords)
            # What a sink returns (a process status, a response, an open file) is not
            # the data it was given: `open(user_path).read()` is not itself untrusted.
            return EMPTY
        if known and qual in tables.CLEAN_CALLS:
            return EMPTY
        return None

    def _arg_flows(self, site: int, where, taint: dict, call_step) -> None:
        for origin, (steps, cleared) in taint.items():
            self.flows.append(Flow(origin, ("arg", site, where), steps + (call_step,), cleared))

    def target(self, func, qual: str | None):
        """(kind, name, bound) for a call the linker may resolve to a summary."""
        m = self.m
        if func.__class__ is ast.Name:
            name = func.id
            if name in self.nested:
                return ("local", self.nested[name], False)
            if name in m.functions and name not in self.env:
                return ("local", name, False)
            if name in m.aliases:
                absolute = m.absolute(m.aliases[name])
                if absolute is not None and absolute.partition(".")[0] not in _STDLIB:
                    return ("import", absolute, False)
            return None
        if func.__class__ is ast.Attribute:
            base = func.value
            if base.__class__ is ast.Name and base.id in ("self", "cls") and \
                    self.class_name is not None:
                method = f"{self.class_name}.{func.attr}"
                if method in m.functions:
                    return ("local", method, True)
                return None
            if base.__class__ is ast.Name and base.id in m.classes:
                method = f"{base.id}.{func.attr}"
                if method in m.functions:
                    return ("local", method, False)
            if qual is not None and m.is_import(qual):
                absolute = m.absolute(qual)
                if absolute is not None and absolute.partition(".")[0] not in _STDLIB:
                    return ("import", absolute, False)
        return None

    # -- sinks --------------------------------------------------------------------
    def check_sink(self, node, sink: tables.Sink, name: str, receiver, positional,
                   keywords) -> None:
        picked: list[tuple[dict, ast.AST | None]] = []
        confidence = 3
        condition = sink.condition
        if condition == "yaml_unsafe_loader":
            loader = keywords_node(node, "Loader") or (node.args[1] if len(node.args) > 1 else None)
            loader_name = (self.m.qualname(loader) or "") if loader is not None else ""
            if loader_name.endswith(("SafeLoader", "CSafeLoader", "BaseLoader")):
                return
        if condition == "html_content_type":
            content_type = keywords_node(node, "content_type")
            if not (isinstance(content_type, ast.Constant) and "html" in str(content_type.value)):
                return
        if sink.args is None:
            picked = [(t, a) for t, a in zip(positional, node.args)] + \
                [(keywords[kw.arg], kw.value) for kw in node.keywords]
        else:
            for position in sink.args:
                if position == -1:
                    picked.append((receiver, node.func.value))
                elif position < len(positional) and not any(
                        a.__class__ is ast.Starred for a in node.args[:position + 1]):
                    picked.append((positional[position], node.args[position]))
            for kw in node.keywords:
                if kw.arg in sink.keywords:
                    picked.append((keywords[kw.arg], kw.value))
        if condition == "subprocess" and picked:
            shell = keywords_node(node, "shell")
            shell_on = shell is not None and not (isinstance(shell, ast.Constant) and not shell.value)
            taint, arg = picked[0]
            if not shell_on:
                if arg.__class__ in (ast.List, ast.Tuple):
                    picked = [(self.ev(arg.elts[0]), arg.elts[0])] if arg.elts else []
                elif arg.__class__ is not ast.Constant:
                    confidence = 2
        hit = SinkHit(sink.kind, name + ("" if name.endswith(")") else "()"), span(node),
                      self.stmt_lines(), confidence)
        any_atom = False
        for taint, arg in picked:
            if taint:
                any_atom = True
                self.sink_flows(hit, taint, arg)
        self.record_verdict(hit, picked, any_atom)

    def sink_flows(self, hit: SinkHit, taint: dict, arg) -> None:
        accepts = KINDS[hit.kind].accepts
        here = (hit.span + (f"sink: {hit.name}",))
        for origin, (steps, cleared) in taint.items():
            if hit.kind in cleared:
                continue
            if origin[0] == "s" and accepts.isdisjoint(origin[2]):
                continue
            self.flows.append(Flow(origin, ("sink", hit), steps + (here,), cleared))

    def record_verdict(self, hit: SinkHit, picked, any_atom: bool) -> None:
        if not picked:
            return
        if any_atom:
            cleared_by = []
            for taint, _ in picked:
                for origin, (steps, cleared) in taint.items():
                    if hit.kind not in cleared:
                        return
                    cleared_by.extend(s[4] for s in steps if s[4].startswith("sanitized"))
            detail = cleared_by[-1] if cleared_by else "sanitized"
            self.verdicts.append(Verdict(hit.span, hit.kind, "sanitized", detail))
        elif all(self.is_constant(arg) for _, arg in picked):
            self.verdicts.append(Verdict(hit.span, hit.kind, "constant", "constant argument"))

    def is_constant(self, node) -> bool:
        from ..context import is_constant
        if node is None or is_constant(node):
            return True
        cls = node.__class__
        if cls is ast.Name:
            return node.id in self.const_names() or (
                node.id not in self.env and node.id in self.m.constants())
        if cls is ast.JoinedStr:
            return all(v.__class__ is ast.Constant or self.is_constant(v.value) for v in node.values)
        if cls is ast.BinOp:
            return self.is_constant(node.left) and self.is_constant(node.right)
        if cls in (ast.List, ast.Tuple):
            return all(self.is_constant(e) for e in node.elts)
        return False

    def const_names(self) -> frozenset:
        if self._const_names is None:
            self._const_names = constant_names(self.node, self.params)
        return self._const_names


def constant_names(scope, params=()) -> frozenset:
    """Names every assignment in ``scope`` gives a literal value (not parameters)."""
    from ..context import is_constant
    good: set[str] = set()
    bad: set[str] = set(p.lstrip("*") for p in params)
    body = scope.body if isinstance(scope, (ast.Module, ast.FunctionDef,
                                            ast.AsyncFunctionDef)) else []
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            if not isinstance(scope, ast.Module):
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bad.add(node.name)
                continue
        if isinstance(node, ast.Assign):
            constant = is_constant(node.value)
            for target in node.targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        (good if constant and isinstance(target, ast.Name) else bad).add(sub.id)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            target = node.target
            if isinstance(target, ast.Name):
                constant = node.value is not None and is_constant(node.value) and \
                    isinstance(node, ast.AnnAssign)
                (good if constant else bad).add(target.id)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            for sub in ast.walk(node.target):
                if isinstance(sub, ast.Name):
                    bad.add(sub.id)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    for sub in ast.walk(item.optional_vars):
                        if isinstance(sub, ast.Name):
                            bad.add(sub.id)
        elif isinstance(node, ast.NamedExpr):
            bad.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)):
            for alias in getattr(node, "names", ()):
                bad.add(getattr(alias, "asname", None) or getattr(alias, "name", alias))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bad.add(node.name)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.stmt, ast.expr, ast.excepthandler, ast.comprehension,
                                  ast.match_case)):
                stack.append(child)
    return frozenset(good - bad)


def merge(a: dict, b: dict) -> dict:
    if a is b:
        return a
    out = dict(a)
    for key, value in b.items():
        current = out.get(key)
        if current is None:
            out[key] = value
        elif current is not value:
            out[key] = union(current, value)
    return out


def _same(a: dict, b: dict) -> bool:
    if a is b:
        return True
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        other = b[key]
        if value is not other and (value.keys() != other.keys() or any(
                value[o][1] != other[o][1] for o in value)):
            return False
    return True


def keywords_node(call: ast.Call, name: str):
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _receiver_matches(node, pattern: str | None) -> bool:
    if pattern is None:
        return True
    while node.__class__ is ast.Call:
        node = node.func
    name = node.id if node.__class__ is ast.Name else getattr(node, "attr", None)
    if not name or re.search(pattern, name, re.IGNORECASE) is None:
        return False
    text = dotted(node) or name
    return re.search(tables.NOT_HTTP_RECEIVER, text, re.IGNORECASE) is None


_NO_RETURN_NAMES = frozenset(name.rpartition(".")[2] for name in tables.NO_RETURN_CALLS)


def _last_name(node) -> str | None:
    cls = node.__class__
    if cls is ast.Name:
        return node.id
    if cls is ast.Attribute:
        return node.attr
    return None


def _root_name(node) -> str | None:
    while node.__class__ is ast.Attribute:
        node = node.value
    return node.id if node.__class__ is ast.Name else None


def _source_prefix(qual: str, attributes: dict) -> bool:
    """Whether a proper prefix of ``qual`` names a source (``flask.request.args``.get)."""
    end = qual.rfind(".")
    while end > 0:
        if qual[:end] in attributes:
            return True
        end = qual.rfind(".", 0, end)
    return False


def _orm_lookup(receiver) -> bool:
    """``Model.objects.filter(...)``/``Model.query.get(...)``: a database lookup."""
    while True:
        cls = receiver.__class__
        if cls is ast.Call:
            receiver = receiver.func
        elif cls is ast.Attribute:
            base = receiver.value
            owner = base.id if base.__class__ is ast.Name else getattr(base, "attr", "")
            if receiver.attr in tables.ORM_RECEIVER_ATTRIBUTES and owner[:1].isupper():
                return True  # a model class's manager, not `request.query`
            receiver = base
        else:
            return False


def _has_source(taint: dict) -> bool:
    return any(origin[0] == "s" for origin in taint)


def _secret_key(node, spec) -> bool:
    return node.__class__ is ast.Constant and isinstance(node.value, str) and \
        spec.secret_name.search(node.value) is not None
