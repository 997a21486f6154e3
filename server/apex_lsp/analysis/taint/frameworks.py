"""Recognising web request handlers and what their parameters carry.

* Flask/Quart: ``@app.route("/u/<name>")`` (and ``.get``/``.post``...): URL
  variables are untrusted unless their converter is ``int``/``float``/``uuid``;
  the handler's return value is the response body (text/html by default).
* Django (and DRF): a view is a function whose first parameter is ``request``
  (or a ``get``/``post``/... method of a ``*View``/``*ViewSet`` class) in a module
  that imports django; its other parameters are URL kwargs.
* FastAPI: ``@app.get("/items/{id}")``-style routes in a module importing
  fastapi: every parameter not typed as a number/bool, not a dependency
  (``Depends``) and not a ``Request`` is client-controlled (path, query, body).
* Starlette/FastAPI/aiohttp/Django request objects: a parameter annotated with a
  request class, or named ``request``/``req`` in a module that imports a web
  framework; reading its data attributes (``request.GET``, ``request.query_params``,
  ``await request.json()``, ``request.match_info``) is a source.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from .tables import REQUEST_CLASSES

_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "delete", "patch", "head",
                            "options", "api_route", "websocket", "view"})
_VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options",
                           "list", "create", "retrieve", "update", "partial_update",
                           "destroy", "dispatch"})
_FLASK_VAR = re.compile(r"<(?:(?P<conv>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_SAFE_CONVERTERS = frozenset({"int", "float", "uuid"})
_SAFE_ANNOTATIONS = frozenset({"int", "float", "bool", "uuid.UUID", "UUID", "datetime.date",
                               "datetime.datetime", "decimal.Decimal", "Decimal"})
_WEB_FRAMEWORKS = ("django", "rest_framework", "starlette", "fastapi", "aiohttp", "sanic",
                   "falcon", "pyramid", "tornado")
_REQUEST_NAMES = frozenset({"request", "req"})


@dataclass(frozen=True)
class Frameworks:
    """Which web frameworks a module imports (from its resolved import aliases)."""

    flask: bool = False
    django: bool = False
    fastapi: bool = False
    web: bool = False

    @classmethod
    def from_aliases(cls, aliases: dict[str, str]) -> "Frameworks":
        heads = {target.lstrip(".").partition(".")[0] for target in aliases.values()}
        return cls(flask=bool(heads & {"flask", "quart"}),
                   django=bool(heads & {"django", "rest_framework"}),
                   fastapi=bool(heads & {"fastapi", "starlette"}),
                   web=bool(heads & set(_WEB_FRAMEWORKS)))


@dataclass
class HandlerInfo:
    #: parameter name -> source label, for parameters the client controls.
    tainted: dict[str, str] = field(default_factory=dict)
    #: parameters holding a request object.
    requests: set[str] = field(default_factory=set)
    #: the return value is sent to the browser as HTML (Flask views).
    returns_html: bool = False


def handler_info(func: ast.FunctionDef | ast.AsyncFunctionDef, class_node: ast.ClassDef | None,
                 fw: Frameworks, qualname) -> HandlerInfo:
    info = HandlerInfo()
    args = func.args
    params = args.posonlyargs + args.args + args.kwonlyargs
    for param in params:
        annotation = qualname(param.annotation) if param.annotation is not None else None
        if annotation in REQUEST_CLASSES or (annotation or "").endswith(".Request") and \
                annotation.partition(".")[0] in _WEB_FRAMEWORKS:
            info.requests.add(param.arg)
        elif fw.web and param.arg in _REQUEST_NAMES:
            info.requests.add(param.arg)
    route = _route_decorator(func, qualname)
    if route is not None:
        path = route
        if fw.fastapi:
            _fastapi_params(func, info, qualname)
        elif fw.flask or not fw.web:
            info.returns_html = fw.flask
            for match in _FLASK_VAR.finditer(path or ""):
                if (match.group("conv") or "") not in _SAFE_CONVERTERS:
                    info.tainted[match.group("name")] = f"URL variable <{match.group('name')}>"
    if fw.django and _is_django_view(func, class_node):
        names = [p.arg for p in args.posonlyargs + args.args]
        if names and names[0] in ("self", "cls"):
            names = names[1:]
        if names:
            info.requests.add(names[0])
            for name in names[1:]:
                info.tainted.setdefault(name, f"Django URL parameter `{name}`")
            if args.vararg:
                info.tainted.setdefault(args.vararg.arg, "Django URL parameters")
            if args.kwarg:
                info.tainted.setdefault(args.kwarg.arg, "Django URL parameters")
    for name in list(info.tainted):
        if name in info.requests:
            del info.tainted[name]
    return info


def _route_decorator(func, qualname) -> str | None:
    """The path of a ``@x.route("/path")``-style decorator ("" when not literal)."""
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) \
                and deco.func.attr in _ROUTE_METHODS:
            receiver = qualname(deco.func.value) or ""
            if receiver.partition(".")[0] in ("requests", "httpx", "self"):
                continue
            first = deco.args[0] if deco.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            return ""
    return None


def _fastapi_params(func, info: HandlerInfo, qualname) -> None:
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    for param, default in pairs:
        if param.arg in info.requests or param.arg in ("self", "cls"):
            continue
        if isinstance(default, ast.Call) and (qualname(default.func) or "").endswith("Depends"):
            continue
        annotation = param.annotation
        if isinstance(annotation, ast.Subscript):  # Annotated[str, Query()] / Optional[int]
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
            if _has_depends(param.annotation, qualname):
                continue
        name = qualname(annotation) if annotation is not None else None
        if name in _SAFE_ANNOTATIONS or (name or "").rpartition(".")[2] in (
                "Request", "WebSocket", "BackgroundTasks", "Response", "Session"):
            continue
        info.tainted[param.arg] = f"FastAPI parameter `{param.arg}`"


def _has_depends(node, qualname) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and (qualname(sub.func) or "").endswith("Depends"):
            return True
    return False


def _is_django_view(func, class_node) -> bool:
    names = [p.arg for p in func.args.posonlyargs + func.args.args]
    if class_node is not None:
        bases = {(_last_name(b) or "") for b in class_node.bases}
        if func.name in _VIEW_METHODS and any(b.endswith(("View", "ViewSet", "APIView",
                                                          "Mixin")) for b in bases):
            return len(names) >= 2
        return False
    return bool(names) and names[0] in _REQUEST_NAMES


def _last_name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _last_name(node.value)
    return None
