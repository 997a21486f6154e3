"""Apply a new version of one module to the live module, in place.

``ModulePatch(module, tracked, new_source).apply(report, rerun=False)``:

* functions, methods, static/class methods, property accessors, decorated functions
  (through ``functools.wraps`` chains): new ``__code__`` in the live function object;
* new definitions: their ``def``/``class`` statement runs in the module (or class);
* deleted definitions: removed from the module (or class);
* class-level assignments whose value changed: set on the live class;
* module-level assignments: kept (they are the program's state) unless ``rerun``;
  new module-level names (constants, imports) are added;
* class layout changes (bases, metaclass, ``__slots__``, dataclass fields, enum
  members): the class is refused with the reason, nothing of it is applied.

Everything that can fail before changing anything (compiling) happens in ``prepare``.
"""
from __future__ import annotations

import ast
import textwrap
import types

from . import codetools, recode
from .recode import Refused


def compile_source(source: str, path: str) -> types.CodeType:
    return compile(source, path, "exec", dont_inherit=True)


class ModulePatch:
    def __init__(self, module, tracked, source: str, new_code: types.CodeType,
                 restart=None) -> None:
        self.module = module
        self.name = module.__name__
        self.path = tracked.path
        self.tracked = tracked
        self.source = source
        self.new_code = new_code
        self.old_code = tracked.code
        if self.old_code is None and tracked.source is not None:
            try:
                self.old_code = compile_source(tracked.source, self.path)
            except (SyntaxError, ValueError):
                self.old_code = None
        self.restart = restart          # restart.Trampolines or None
        self._tree = None
        self._nodes = None
        self.replaced = {}              # old object -> new object (for dependants)
        self.removed = []               # objects deleted from the module

    # ------------------------------------------------------------------ syntax tree
    def tree(self) -> ast.Module:
        if self._tree is None:
            self._tree = ast.parse(self.source, self.path)
        return self._tree

    def old_statements(self, qualname: str = ""):
        """``(targets) -> ast.dump`` of the baseline's simple assignments in the module
        body (``qualname`` "") or a class body; None without a readable baseline."""
        source = self.tracked.source
        if source is None:
            return None
        try:
            body = ast.parse(source, self.path).body
        except SyntaxError:
            return None
        for part in [p for p in qualname.split(".") if p]:
            match = [n for n in body if isinstance(n, ast.ClassDef) and n.name == part]
            if not match:
                return {}
            body = match[-1].body
        found = {}
        for statement in body:
            targets, value = _assignment(statement)
            if targets and value is not None:
                found[tuple(targets)] = ast.dump(statement)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                found[("import", ast.dump(statement))] = ast.dump(statement)
        return found

    def node_for(self, code: types.CodeType):
        """The def/class node a code object was compiled from."""
        if self._nodes is None:
            self._nodes = {}
            for node in ast.walk(self.tree()):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                    self._nodes[(node.name, first)] = node
        return self._nodes.get((code.co_name, code.co_firstlineno))

    def _label(self, qualname: str) -> str:
        return "%s.%s" % (self.name, qualname)

    # ------------------------------------------------------------------ apply
    def apply(self, report, rerun: bool = False) -> None:
        old_defs = codetools.definitions(self.old_code) if self.old_code is not None else None
        new_defs = codetools.definitions(self.new_code)
        namespace = self.module.__dict__
        body_changed = self.old_code is None or not codetools.same_class_body(
            self.old_code, self.new_code)
        for name, versions in new_defs.items():
            new = versions[-1]
            old = old_defs.get(name, [None])[-1] if old_defs is not None else None
            live = namespace.get(name)
            try:
                if new.kind == "function":
                    self._function(report, namespace, name, live, old, new, None, body_changed)
                else:
                    self._class(report, namespace, name, live, old, new, body_changed)
            except Refused as exc:
                report.refused(self._label(new.qualname), str(exc))
        self._remove_module_level(report, old_defs, new_defs)
        self._module_statements(report, rerun, body_changed, new_defs)

    # ------------------------------------------------------------------ functions
    def _function(self, report, namespace, name, live, old, new, owner, body_changed):
        target = recode.unwrap(live, name, self.path) if live is not None else None
        if target is None:
            if live is not None and not self._ours(live):
                report.refused(self._label(new.qualname),
                               "the name is bound to %s, not to this function; it was left "
                               "alone" % type(live).__name__)
                return
            self._add(report, namespace, new, owner)
            return
        if self.restart is not None:
            public, target = target, self.restart.impl_of(target)
        else:
            public = target
        current = target.__code__
        if codetools.same_logic(current, new.code):
            if current.co_firstlineno != new.code.co_firstlineno or current != new.code:
                self._swap(target, new.code, live, namespace, name, owner)  # moved lines
            if body_changed and old is not None \
                    and self._defaults(report, public, new, target):
                report.patched(self._label(new.qualname), "default values")
            return
        shape_changed = codetools.signature_shape(current) != codetools.signature_shape(new.code)
        self._swap(target, new.code, live, namespace, name, owner)
        rebuilt, stale = recode.patch_nested(current, new.code)
        if shape_changed or body_changed:
            self._defaults(report, public, new, target)
        report.patched(self._label(new.qualname),
                       "generator: running generators keep the old code"
                       if codetools.is_generator(new.code) else None)
        for inner, note in rebuilt:
            report.patched(self._label("%s.<locals>.%s" % (new.qualname, inner)), note)
        for inner, reason in stale:
            report.stale(self.name, "%s.<locals>.%s" % (new.qualname, inner),
                         "a live closure of %s keeps the old code: %s" % (inner, reason))

    def _swap(self, target, code, live, namespace, name, owner):
        try:
            recode.set_code(target, code)
        except Refused:
            # Free variables changed (e.g. a method started using super()): a new function
            # with rebuilt cells replaces the old one where it is bound.
            if live is None or recode.unwrap(live, name, self.path) is not live \
                    and not isinstance(live, (staticmethod, classmethod)):
                raise
            fresh = recode.rebuild(target, code, owner)
            if isinstance(live, staticmethod):
                fresh_bound = staticmethod(fresh)
            elif isinstance(live, classmethod):
                fresh_bound = classmethod(fresh)
            else:
                fresh_bound = fresh
            if self.restart is not None:
                self.restart.install(fresh, self.path)
            self._bind(namespace, owner, name, fresh_bound)
            self.replaced[live] = fresh_bound

    def _bind(self, namespace, owner, name, value):
        if owner is not None:
            setattr(owner, name, value)
        else:
            namespace[name] = value

    def _defaults(self, report, function, new, impl=None):
        """Re-evaluate default values from the source; unchanged ones keep their object.
        (``impl``: the function behind a restart trampoline gets the same values.)"""
        node = self._segment_node(new)
        if node is None or isinstance(node, ast.ClassDef):
            return False
        try:
            positional = [self._eval(d) for d in node.args.defaults]
            keyword = {arg.arg: self._eval(d) for arg, d in
                       zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None}
        except Exception as exc:
            report.refused(self._label(new.qualname) + " (defaults)",
                           "default values could not be evaluated: %s: %s"
                           % (type(exc).__name__, exc))
            return False
        before = (function.__defaults__, function.__kwdefaults__)
        old = function.__defaults__ or ()
        if len(old) == len(positional):
            positional = [o if _equal(o, n) else n for o, n in zip(old, positional)]
        function.__defaults__ = tuple(positional) or None
        old_kw = function.__kwdefaults__ or {}
        function.__kwdefaults__ = {k: old_kw[k] if k in old_kw and _equal(old_kw[k], v) else v
                                   for k, v in keyword.items()} or None
        if impl is not None and impl is not function:
            impl.__defaults__, impl.__kwdefaults__ = function.__defaults__, function.__kwdefaults__
        after = (function.__defaults__, function.__kwdefaults__)
        old_kw, new_kw = before[1] or {}, after[1] or {}
        return not (_same_items(before[0], after[0]) and list(old_kw) == list(new_kw)
                    and _same_items(old_kw.values(), new_kw.values()))

    def _segment_node(self, definition):
        """Parse just the definition's lines (cheap), else find it in the whole tree."""
        code = definition.code
        lines = self.source.splitlines(True)
        first, last = code.co_firstlineno, codetools.last_line(code)
        try:
            tree = ast.parse(textwrap.dedent("".join(lines[first - 1:last])))
            node = tree.body[0]
            if getattr(node, "name", None) == code.co_name:
                return node
        except (SyntaxError, IndexError, ValueError):
            pass
        return self.node_for(code)

    def _eval(self, node, local=None):
        expression = ast.Expression(node)
        ast.fix_missing_locations(expression)
        return eval(compile(expression, self.path, "eval", dont_inherit=True),
                    self.module.__dict__, local if local is not None else {})

    def _add(self, report, namespace, new, owner):
        node = self.node_for(new.code)
        if node is None:
            raise Refused("its source could not be found to define it")
        statement = ast.Module(body=[node], type_ignores=[])
        code = compile(statement, self.path, "exec", dont_inherit=True)
        if owner is None:
            exec(code, namespace)
            report.added(self._label(new.qualname))
            if self.restart is not None and new.kind == "function":
                self.restart.install(namespace.get(new.name), self.path)
            return
        local = dict(vars(owner))
        exec(code, self.module.__dict__, local)
        value = local[new.name]
        if "__class__" in new.code.co_freevars:
            value = self._with_class_cell(value, new.code, owner)
        setattr(owner, new.name, value)
        report.added(self._label(new.qualname))

    def _with_class_cell(self, value, code, owner):
        """A method defined outside its class body needs ``__class__`` for super()."""
        function = recode.unwrap(value, code.co_name, self.path)
        if function is None:
            return value
        fresh = recode.rebuild(function, code, owner)
        if isinstance(value, staticmethod):
            return staticmethod(fresh)
        if isinstance(value, classmethod):
            return classmethod(fresh)
        if isinstance(value, property):
            return value
        return fresh if value is function else value

    def _ours(self, obj) -> bool:
        code = recode.code_of(obj) if isinstance(obj, types.FunctionType) else None
        if code is not None:
            return recode._same_file(code.co_filename, self.path)
        return getattr(obj, "__module__", None) == self.name and isinstance(obj, type)

    # ------------------------------------------------------------------ classes
    def _class(self, report, namespace, name, live, old, new, outer_changed):
        if live is None:
            self._add(report, namespace, new, None)
            return
        if not isinstance(live, type) or getattr(live, "__module__", None) != self.name:
            report.refused(self._label(new.qualname), "the name is bound to %s, not to this "
                           "class; it was left alone" % type(live).__name__)
            return
        self._patch_class(report, live, old, new, outer_changed)

    def _patch_class(self, report, cls, old, new, outer_changed):
        """``outer_changed``: the enclosing body changed, so bases, keywords or
        decorators (evaluated there, not in the class body) may have."""
        body_changed = old is None or not codetools.same_class_body(old.code, new.code)
        node = self.node_for(new.code) if (body_changed or outer_changed) else None
        if node is not None:
            reason = self._layout_problem(cls, node)
            if reason:
                raise Refused(reason)
        for child_name, versions in new.children.items():
            olds = old.children.get(child_name) if old is not None else None
            try:
                self._member(report, cls, child_name, versions, olds, body_changed)
            except Refused as exc:
                report.refused(self._label(versions[-1].qualname), str(exc))
        self._remove_members(report, cls, old, new)
        if node is not None:
            self._class_attributes(report, cls, node)

    def _member(self, report, cls, name, versions, olds, body_changed):
        live = cls.__dict__.get(name)
        new = versions[-1]
        if new.kind == "class":
            if isinstance(live, type):
                self._patch_class(report, live, olds[-1] if olds else None, new, body_changed)
            else:
                self._add(report, None, new, cls)
            return
        if isinstance(live, property):
            self._property(report, cls, name, live, versions)
            return
        self._function(report, None, name, live, olds[-1] if olds else None, new, cls,
                       body_changed)

    def _property(self, report, cls, name, live, versions):
        accessors = [a for a in (live.fget, live.fset, live.fdel) if a is not None]
        changed = False
        for code in [v.code for v in versions]:
            match = [a for a in accessors if isinstance(a, types.FunctionType)
                     and a.__code__.co_argcount == code.co_argcount]
            if not match:
                continue
            function = match[0]
            accessors.remove(function)
            if not codetools.same_logic(function.__code__, code):
                recode.set_code(function, code)
                changed = True
            elif function.__code__ != code:
                recode.set_code(function, code)
        if changed:
            report.patched(self._label(versions[-1].qualname), "property")

    def _remove_members(self, report, cls, old, new):
        prefix = cls.__qualname__ + "."
        for name, value in list(vars(cls).items()):
            if name in new.children or name.startswith("__") and name.endswith("__"):
                continue
            if old is not None and name not in old.children:
                continue   # set at run time, not defined in the source
            function = value.__func__ if isinstance(value, (staticmethod, classmethod)) \
                else value
            if isinstance(value, property):
                function = value.fget
            code = recode.code_of(function) if isinstance(function, types.FunctionType) \
                else None
            defined_here = (code is not None and recode._same_file(code.co_filename, self.path)
                            and getattr(function, "__qualname__", "") == prefix + name)
            nested_class = isinstance(value, type) and value.__qualname__ == prefix + name
            if defined_here or nested_class:
                delattr(cls, name)
                self.removed.append(value)
                report.removed(self._label(prefix + name))

    def _class_attributes(self, report, cls, node):
        local = dict(vars(cls))
        fields = getattr(cls, "__dataclass_fields__", None)
        before = self.old_statements(cls.__qualname__)
        for statement in node.body:
            targets, value = _assignment(statement)
            if value is None:
                continue
            if before is None or before.get(tuple(targets)) == ast.dump(statement):
                continue    # unchanged in the source (or unknown): the live value is state
            names = [t for t in targets if t not in ("__slots__",)]
            if fields is not None and any(n in fields for n in names):
                continue
            try:
                new_value = self._eval(value, local)
            except Exception as exc:
                report.refused(self._label(cls.__qualname__ + "." + ",".join(names)),
                               "could not evaluate the new value: %s: %s"
                               % (type(exc).__name__, exc))
                continue
            for target in names:
                if target in vars(cls) and _equal(vars(cls)[target], new_value):
                    continue
                setattr(cls, target, new_value)
                local[target] = new_value
                report.patched(self._label(cls.__qualname__ + "." + target), "class attribute")

    def _layout_problem(self, cls, node):
        """Why this class cannot be patched in place, or None."""
        try:
            bases = tuple(self._eval(b) for b in node.bases)
            keywords = {k.arg: self._eval(k.value) for k in node.keywords if k.arg}
        except Exception as exc:
            return "its bases could not be evaluated: %s: %s" % (type(exc).__name__, exc)
        live_bases = getattr(cls, "__orig_bases__", None) or cls.__bases__
        if (bases or (object,)) != tuple(live_bases) and bases != tuple(cls.__bases__):
            return ("its bases changed (%s -> %s): instances would not match the new class; "
                    "restart the program" % (_names(cls.__bases__), _names(bases) or "object"))
        metaclass = keywords.get("metaclass")
        if metaclass is not None and type(cls) is not metaclass:
            return "its metaclass changed (%s -> %s); restart the program" % (
                type(cls).__name__, getattr(metaclass, "__name__", metaclass))
        slots = None
        annotations, enum_members = [], []
        for statement in node.body:
            targets, value = _assignment(statement)
            if "__slots__" in targets and value is not None:
                try:
                    slots = self._eval(value)
                except Exception:
                    slots = "?"
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                if "ClassVar" not in ast.dump(statement.annotation):
                    annotations.append(statement.target.id)
            if targets and value is not None:
                enum_members.extend(targets)
        live_slots = cls.__dict__.get("__slots__")
        if _slot_names(slots) != _slot_names(live_slots):
            return "its __slots__ changed (%s -> %s): existing instances have the old " \
                   "layout; restart the program" % (_slot_names(live_slots), _slot_names(slots))
        fields = cls.__dict__.get("__dataclass_fields__")
        if fields is not None:
            live_fields = [n for n, f in fields.items()
                           if getattr(f, "_field_type", None) is not None
                           and getattr(f._field_type, "name", "_FIELD") != "_FIELD_CLASSVAR"]
            own = list(cls.__dict__.get("__annotations__", {}))
            live_own = [n for n in live_fields if n in own]
            if annotations != live_own:
                return ("its dataclass fields changed (%s -> %s): __init__, __eq__ and "
                        "existing instances follow the old fields; restart the program"
                        % (", ".join(live_own) or "none", ", ".join(annotations) or "none"))
        import enum
        if isinstance(cls, enum.EnumMeta):
            live_members = list(cls.__members__)
            new_members = [n for n in enum_members if not n.startswith("_")]
            if new_members != live_members:
                return "its enum members changed; restart the program"
        return None

    # ------------------------------------------------------------------ module level
    def _remove_module_level(self, report, old_defs, new_defs):
        namespace = self.module.__dict__
        candidates = list(old_defs) if old_defs is not None else list(namespace)
        for name in candidates:
            if name in new_defs or name not in namespace:
                continue
            value = namespace[name]
            if isinstance(value, type):
                ours = value.__module__ == self.name and value.__qualname__ == name
            else:
                function = recode.unwrap(value, name, self.path)
                ours = function is not None and function.__qualname__ == name
            if ours:
                del namespace[name]
                self.removed.append(value)
                report.removed(self._label(name))

    def _module_statements(self, report, rerun, body_changed, new_defs):
        kept = self.tracked.kept
        if not body_changed and not (rerun and kept):
            return
        namespace = self.module.__dict__
        before = self.old_statements() or {}
        for statement in self.tree().body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                bound = [(a.asname or a.name).split(".")[0] for a in statement.names]
                if all(b in namespace for b in bound) and not rerun:
                    continue
                self._run(report, statement, ", ".join(bound), added=not rerun)
                continue
            targets, value = _assignment(statement)
            if not targets or value is None or any(t in new_defs for t in targets):
                continue
            missing = [t for t in targets if t not in namespace]
            unchanged = before.get(tuple(targets)) == ast.dump(statement) \
                and tuple(targets) not in kept
            if missing:
                self._run(report, statement, ", ".join(targets), added=True)
            elif unchanged:
                continue
            elif rerun:
                old_values = {t: namespace.get(t) for t in targets}
                self._run(report, statement, ", ".join(targets), added=False)
                kept.discard(tuple(targets))
                for t in targets:
                    if namespace.get(t) is not old_values[t]:
                        self.replaced[old_values[t]] = namespace.get(t)
            elif tuple(targets) in before or tuple(targets) in kept:
                kept.add(tuple(targets))
                report.kept(self._label(", ".join(targets)),
                            "module-level value kept (program state); reload with "
                            "rerun to re-run its assignment")

    def _run(self, report, statement, label, added):
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec(compile(module, self.path, "exec", dont_inherit=True), self.module.__dict__)
        except Exception as exc:
            report.refused(self._label(label), "running the statement failed: %s: %s"
                           % (type(exc).__name__, exc))
            return
        if added:
            report.added(self._label(label))
        else:
            report.patched(self._label(label), "re-run")


def _assignment(statement):
    """(target names, value node) of a simple assignment, else ([], None)."""
    if isinstance(statement, ast.Assign):
        names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        if len(names) == len(statement.targets):
            return names, statement.value
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id], statement.value
    return [], None


def _equal(a, b) -> bool:
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _same_items(a, b) -> bool:
    a, b = tuple(a or ()), tuple(b or ())
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _names(bases) -> str:
    return ", ".join(getattr(b, "__name__", repr(b)) for b in bases)


def _slot_names(slots):
    if slots is None:
        return None
    if isinstance(slots, str):
        return (slots,)
    try:
        return tuple(slots)
    except TypeError:
        return (repr(slots),)
