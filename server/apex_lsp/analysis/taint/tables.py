"""The built-in sources, sinks and sanitizers, as data.

Names are qualified the way the analyzer resolves them through imports
(``from flask import request`` makes ``request.args`` read ``flask.request.args``).
A name starting with ``.`` is a method name on any receiver (``.execute``); a
``receiver`` hint narrows such generic names to receivers whose name matches
(``session.get(url)``, not ``d.get(key)``). ``docs/taint.md`` is generated from
these tables (``python -m apex_lsp.analysis.taint.docgen``).
"""
from __future__ import annotations

from typing import NamedTuple


class Source(NamedTuple):
    label: str
    #: "remote" input (a web request), "local" input (command line, environment,
    #: stdin: the user's own), or a "secret" value; more than one may apply.
    families: tuple[str, ...] = ("remote",)
    receiver: str | None = None


class Sink(NamedTuple):
    kind: str
    #: Positional argument indexes that must not be tainted; None: every argument.
    #: -1 is the receiver of a method call (``Path(p).read_text()``).
    args: tuple[int, ...] | None = (0,)
    keywords: tuple[str, ...] = ()
    #: A named special case evaluated by the engine (see flow.py ``_sink_args``).
    condition: str | None = None
    receiver: str | None = None


class Sanitizer(NamedTuple):
    #: The sink kinds whose danger the call removes; empty: all kinds.
    kinds: tuple[str, ...] = ()


REMOTE = ("remote",)
LOCAL = ("local",)
SECRET = ("secret",)

# -- sources ---------------------------------------------------------------
#: Attribute reads (and anything derived from them: ``request.args.get("q")``).
SOURCE_ATTRIBUTES: dict[str, Source] = {
    "sys.argv": Source("command-line arguments (sys.argv)", LOCAL),
    "sys.stdin": Source("standard input (sys.stdin)", LOCAL),
    "os.environ": Source("environment variable (os.environ)", LOCAL),
    "os.environb": Source("environment variable (os.environb)", LOCAL),
    **{f"{framework}.request.{attr}": Source(f"{framework.title()} request.{attr}")
       for framework in ("flask", "quart")
       for attr in ("args", "form", "values", "json", "data", "cookies", "headers", "files",
                    "get_json", "get_data", "stream", "environ", "query_string", "url",
                    "full_path", "path", "view_args", "host", "referrer", "user_agent")},
}

#: Calls whose result is a source.
SOURCE_CALLS: dict[str, Source] = {
    "input": Source("user input (input())", LOCAL),
    "builtins.input": Source("user input (input())", LOCAL),
    "raw_input": Source("user input (raw_input())", LOCAL),
    "os.getenv": Source("environment variable (os.getenv)", LOCAL),
    "os.getenvb": Source("environment variable (os.getenvb)", LOCAL),
    "getpass.getpass": Source("password prompt (getpass.getpass)", SECRET),
    "keyring.get_password": Source("stored credential (keyring.get_password)", SECRET),
    ".parse_args": Source("command-line arguments (argparse)", LOCAL, receiver=r"pars"),
    ".parse_known_args": Source("command-line arguments (argparse)", LOCAL, receiver=r"pars"),
}

#: Attributes of a web framework's request object (a handler parameter named
#: ``request``/``req`` or annotated with a request class): Django, Django REST
#: framework, Starlette/FastAPI, aiohttp.
REQUEST_ATTRIBUTES: frozenset[str] = frozenset({
    # Django / DRF
    "GET", "POST", "body", "COOKIES", "META", "FILES", "headers", "path", "path_info",
    "data", "query_params", "content_params",
    # Starlette / FastAPI
    "path_params", "cookies", "url", "query_string",
    # aiohttp
    "match_info", "query", "rel_url", "content", "raw_path", "forwarded", "host",
})
#: Methods of a request object that return its data.
REQUEST_METHODS: frozenset[str] = frozenset({
    "get_full_path", "build_absolute_uri", "read", "readline", "readlines",  # Django
    "body", "json", "form", "stream",  # Starlette / FastAPI
    "post", "text", "multipart",  # aiohttp
})
#: Classes whose instances are request objects, for parameters annotated with them.
REQUEST_CLASSES: frozenset[str] = frozenset({
    "django.http.HttpRequest", "django.http.request.HttpRequest",
    "rest_framework.request.Request", "starlette.requests.Request", "fastapi.Request",
    "fastapi.requests.Request", "aiohttp.web.Request", "aiohttp.web.BaseRequest",
    "aiohttp.web_request.Request",
})

#: Text that makes a function worth analysing before anything calls it: a possible
#: source. Other functions are analysed when a flow reaches them, when a pattern
#: finding inside them may be downgraded by a verdict, or when a parameter is named
#: like a secret (module.ModuleAnalysis).
SOURCE_HINTS: tuple[str, ...] = (
    "request", "req:", "req)", "req,", "argv", "environ", "getenv", "input(", "stdin",
    "getpass", "keyring", "parse_args", "parse_known_args",
)

#: Key or parameter names that mark a value as a secret (case-insensitive search).
SECRET_NAME_PATTERN = r"passw|passwd|secret|token|api_?key|private_?key|credential|auth_?key"

# -- sinks -----------------------------------------------------------------
_REQUEST_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")

SINKS: dict[str, Sink] = {
    # code execution
    "eval": Sink("code", (0,), ("source",)),
    "exec": Sink("code", (0,), ("source",)),
    "compile": Sink("code", (0,), ("source",)),
    "builtins.eval": Sink("code", (0,), ("source",)),
    "builtins.exec": Sink("code", (0,), ("source",)),
    "builtins.compile": Sink("code", (0,), ("source",)),
    "__import__": Sink("code", (0,), ("name",)),
    "importlib.import_module": Sink("code", (0,), ("name",)),
    "runpy.run_path": Sink("code", (0,), ("path_name",)),
    "runpy.run_module": Sink("code", (0,), ("mod_name",)),
    "code.InteractiveInterpreter.runsource": Sink("code", (0,), ("source",)),
    # command execution
    "os.system": Sink("command", (0,), ("command",)),
    "os.popen": Sink("command", (0,), ("cmd",)),
    "subprocess.getoutput": Sink("command", (0,), ("cmd",)),
    "subprocess.getstatusoutput": Sink("command", (0,), ("cmd",)),
    "commands.getoutput": Sink("command", (0,), ("cmd",)),
    **{f"subprocess.{name}": Sink("command", (0,), ("args",), condition="subprocess")
       for name in ("Popen", "run", "call", "check_call", "check_output")},
    **{f"os.{name}": Sink("command", (0,), ("path", "file"))
       for name in ("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp",
                    "execvpe")},
    **{f"os.{name}": Sink("command", (1,), ("path", "file"))
       for name in ("spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve",
                    "spawnvp", "spawnvpe")},
    "os.posix_spawn": Sink("command", (0,), ("path",)),
    "os.posix_spawnp": Sink("command", (0,), ("path",)),
    "asyncio.create_subprocess_shell": Sink("command", (0,), ("cmd",)),
    "asyncio.create_subprocess_exec": Sink("command", (0,), ("program",)),
    "pty.spawn": Sink("command", (0,), ("argv",)),
    ".exec_command": Sink("command", (0,), ("command",)),
    # SQL (only the query text: bound parameters are the safe way)
    ".execute": Sink("sql", (0,), ("sql", "operation", "query", "statement")),
    ".executemany": Sink("sql", (0,), ("sql", "operation", "query")),
    ".executescript": Sink("sql", (0,), ("sql_script",)),
    ".raw": Sink("sql", (0,), ("raw_query",), receiver=r"objects|manager|queryset|qs$"),
    ".extra": Sink("sql", (), ("select", "where", "tables", "order_by")),
    "sqlalchemy.text": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.text": Sink("sql", (0,), ("text",)),
    "sqlalchemy.sql.expression.text": Sink("sql", (0,), ("text",)),
    "django.db.models.expressions.RawSQL": Sink("sql", (0,), ("sql",)),
    "django.db.models.RawSQL": Sink("sql", (0,), ("sql",)),
    "pandas.read_sql": Sink("sql", (0,), ("sql",)),
    "pandas.read_sql_query": Sink("sql", (0,), ("sql",)),
    # templates compiled from a string (server-side template injection)
    "flask.render_template_string": Sink("template", (0,), ("source",)),
    "quart.render_template_string": Sink("template", (0,), ("source",)),
    "jinja2.Template": Sink("template", (0,), ("source",)),
    "jinja2.Environment.from_string": Sink("template", (0,), ("source",)),
    ".from_string": Sink("template", (0,), ("source", "template_code")),
    "django.template.Template": Sink("template", (0,), ("template_string",)),
    "django.template.base.Template": Sink("template", (0,), ("template_string",)),
    "mako.template.Template": Sink("template", (0,), ("text",)),
    "tornado.template.Template": Sink("template", (0,), ("template_string",)),
    # response bodies and markup (cross-site scripting)
    "flask.make_response": Sink("xss", (0,), ()),
    "flask.Response": Sink("xss", (0,), ("response",)),
    "werkzeug.wrappers.Response": Sink("xss", (0,), ("response",)),
    "werkzeug.Response": Sink("xss", (0,), ("response",)),
    "flask.Markup": Sink("xss", (0,), ()),
    "markupsafe.Markup": Sink("xss", (0,), ()),
    "django.http.HttpResponse": Sink("xss", (0,), ("content",)),
    "django.http.response.HttpResponse": Sink("xss", (0,), ("content",)),
    "django.utils.safestring.mark_safe": Sink("xss", (0,), ("s",)),
    "django.utils.html.format_html": Sink("xss", (0,), ("format_string",)),
    "starlette.responses.HTMLResponse": Sink("xss", (0,), ("content",)),
    "fastapi.responses.HTMLResponse": Sink("xss", (0,), ("content",)),
    "aiohttp.web.Response": Sink("xss", (), ("text", "body"), condition="html_content_type"),
    # redirects
    "flask.redirect": Sink("redirect", (0,), ("location",)),
    "quart.redirect": Sink("redirect", (0,), ("location",)),
    "werkzeug.utils.redirect": Sink("redirect", (0,), ("location",)),
    "django.shortcuts.redirect": Sink("redirect", (0,), ("to",)),
    "django.http.HttpResponseRedirect": Sink("redirect", (0,), ("redirect_to",)),
    "django.http.HttpResponsePermanentRedirect": Sink("redirect", (0,), ("redirect_to",)),
    "starlette.responses.RedirectResponse": Sink("redirect", (0,), ("url",)),
    "fastapi.responses.RedirectResponse": Sink("redirect", (0,), ("url",)),
    "aiohttp.web.HTTPFound": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPSeeOther": Sink("redirect", (0,), ("location",)),
    "aiohttp.web.HTTPMovedPermanently": Sink("redirect", (0,), ("location",)),
    # file system paths
    "open": Sink("path", (0,), ("file",)),
    "builtins.open": Sink("path", (0,), ("file",)),
    "io.open": Sink("path", (0,), ("file",)),
    "codecs.open": Sink("path", (0,), ("filename",)),
    "os.open": Sink("path", (0,), ("path",)),
    "aiofiles.open": Sink("path", (0,), ("file",)),
    "flask.send_file": Sink("path", (0,), ("path_or_file", "filename_or_fp")),
    "django.http.FileResponse": Sink("path", (0,), ()),
    "starlette.responses.FileResponse": Sink("path", (0,), ("path",)),
    "fastapi.responses.FileResponse": Sink("path", (0,), ("path",)),
    **{f"os.{name}": Sink("path", (0,), ("path",))
       for name in ("remove", "unlink", "rmdir", "removedirs", "mkdir", "makedirs", "listdir",
                    "chmod", "chown", "scandir", "truncate")},
    "os.rename": Sink("path", (0, 1), ("src", "dst")),
    "os.replace": Sink("path", (0, 1), ("src", "dst")),
    **{f"shutil.{name}": Sink("path", (0, 1), ("src", "dst"))
       for name in ("copy", "copy2", "copyfile", "copytree", "move")},
    "shutil.rmtree": Sink("path", (0,), ("path",)),
    **{f".{name}": Sink("path", (-1,), (), receiver=r"path|file|dir|^p$")
       for name in ("read_text", "read_bytes", "write_text", "write_bytes", "unlink",
                    "rmdir")},
    # outbound requests (server-side request forgery)
    **{f"{lib}.{verb}": Sink("ssrf", (0,), ("url",))
       for lib in ("requests", "httpx") for verb in _REQUEST_VERBS},
    "requests.request": Sink("ssrf", (1,), ("url",)),
    "httpx.request": Sink("ssrf", (1,), ("url",)),
    "httpx.stream": Sink("ssrf", (1,), ("url",)),
    "urllib.request.urlopen": Sink("ssrf", (0,), ("url",)),
    "urllib.request.Request": Sink("ssrf", (0,), ("url",)),
    "urllib.request.urlretrieve": Sink("ssrf", (0,), ("url",)),
    "urllib2.urlopen": Sink("ssrf", (0,), ("url",)),
    "http.client.HTTPConnection": Sink("ssrf", (0,), ("host",)),
    "http.client.HTTPSConnection": Sink("ssrf", (0,), ("host",)),
    "aiohttp.request": Sink("ssrf", (1,), ("url",)),
    **{f".{verb}": Sink("ssrf", (0,), ("url",), receiver=r"session|client|http")
       for verb in _REQUEST_VERBS},
    ".request": Sink("ssrf", (1,), ("url",), receiver=r"session|client|http"),
    ".urlopen": Sink("ssrf", (1,), ("url",), receiver=r"pool|http"),
    # deserialization
    **{f"{mod}.{fn}": Sink("deserialization", (0,), ("data", "file"))
       for mod in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")
       for fn in ("loads", "load", "Unpickler")},
    "marshal.loads": Sink("deserialization", (0,), ()),
    "marshal.load": Sink("deserialization", (0,), ()),
    "shelve.open": Sink("deserialization", (0,), ("filename",)),
    "yaml.load": Sink("deserialization", (0,), ("stream",), condition="yaml_unsafe_loader"),
    "yaml.load_all": Sink("deserialization", (0,), ("stream",), condition="yaml_unsafe_loader"),
    "yaml.unsafe_load": Sink("deserialization", (0,), ("stream",)),
    "yaml.unsafe_load_all": Sink("deserialization", (0,), ("stream",)),
    "yaml.full_load": Sink("deserialization", (0,), ("stream",)),
    "jsonpickle.decode": Sink("deserialization", (0,), ("string",)),
    "pandas.read_pickle": Sink("deserialization", (0,), ("filepath_or_buffer",)),
    "joblib.load": Sink("deserialization", (0,), ("filename",)),
    # LDAP filters (python-ldap, ldap3)
    **{f".{name}": Sink("ldap", (2,), ("filterstr",), receiver=r"ldap|conn|^l$")
       for name in ("search_s", "search_st", "search_ext", "search_ext_s")},
    ".search": Sink("ldap", (1, 2), ("search_filter", "filterstr"), receiver=r"ldap|conn|^l$"),
    # XPath expressions (lxml)
    ".xpath": Sink("xpath", (0,), ("_path",)),
    "lxml.etree.XPath": Sink("xpath", (0,), ("path",)),
    "lxml.etree.ETXPath": Sink("xpath", (0,), ("path",)),
    # logging and printing of secrets
    **{f"logging.{name}": Sink("log", None)
       for name in ("debug", "info", "warning", "warn", "error", "exception", "critical",
                    "log")},
    **{f".{name}": Sink("log", None, receiver=r"log")
       for name in ("debug", "info", "warning", "warn", "error", "exception", "critical")},
    "print": Sink("log", None),
}

# -- sanitizers --------------------------------------------------------------
ALL = ()

SANITIZERS: dict[str, Sanitizer] = {
    # conversions to numbers and booleans remove any payload
    **{name: Sanitizer(ALL) for name in (
        "int", "float", "bool", "len", "complex", "ord", "hash", "id", "isinstance",
        "uuid.UUID", "decimal.Decimal", "datetime.date.fromisoformat",
        "ipaddress.ip_address", "ipaddress.ip_network",
        "hashlib.sha256", "hashlib.sha1", "hashlib.md5", "hashlib.sha512",
        "hmac.compare_digest", "hmac.new", "secrets.compare_digest",
    )},
    "shlex.quote": Sanitizer(("command",)),
    "pipes.quote": Sanitizer(("command",)),
    "shlex.join": Sanitizer(("command",)),
    "html.escape": Sanitizer(("xss",)),
    "cgi.escape": Sanitizer(("xss",)),
    "markupsafe.escape": Sanitizer(("xss", "template")),
    "flask.escape": Sanitizer(("xss", "template")),
    "django.utils.html.escape": Sanitizer(("xss",)),
    "django.utils.html.conditional_escape": Sanitizer(("xss",)),
    "bleach.clean": Sanitizer(("xss",)),
    "flask.jsonify": Sanitizer(("xss",)),
    "flask.render_template": Sanitizer(("xss",)),
    "django.shortcuts.render": Sanitizer(("xss",)),
    "django.http.JsonResponse": Sanitizer(("xss",)),
    "os.path.basename": Sanitizer(("path",)),
    "werkzeug.utils.secure_filename": Sanitizer(("path",)),
    "werkzeug.secure_filename": Sanitizer(("path",)),
    "django.utils.text.get_valid_filename": Sanitizer(("path",)),
    "werkzeug.utils.safe_join": Sanitizer(("path",)),
    "flask.safe_join": Sanitizer(("path",)),
    "ldap.filter.escape_filter_chars": Sanitizer(("ldap",)),
    "ldap3.utils.conv.escape_filter_chars": Sanitizer(("ldap",)),
    "urllib.parse.quote": Sanitizer(("command", "path", "ldap", "xpath")),
    "urllib.parse.quote_plus": Sanitizer(("command", "path", "ldap", "xpath")),
}

#: Calls that, used as an ``if`` test, vouch for their first argument inside the branch.
GUARD_CALLS: dict[str, Sanitizer] = {
    "django.utils.http.url_has_allowed_host_and_scheme": Sanitizer(("redirect", "ssrf")),
    "django.utils.http.is_safe_url": Sanitizer(("redirect", "ssrf")),
}
#: String methods that, as an ``if`` test, prove a value harmless (``x.isdigit()``).
GUARD_METHODS: dict[str, Sanitizer] = {
    "isdigit": Sanitizer(ALL), "isdecimal": Sanitizer(ALL), "isnumeric": Sanitizer(ALL),
    "isalnum": Sanitizer(ALL), "isalpha": Sanitizer(ALL), "isidentifier": Sanitizer(ALL),
}
#: ``urlparse(url).<attr> in ALLOWED`` vouches for ``url`` as a request/redirect target.
URL_PARSERS: frozenset[str] = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit",
                                         "urlparse.urlparse", "urlparse.urlsplit"})
URL_HOST_ATTRIBUTES: frozenset[str] = frozenset({"netloc", "hostname", "host"})
URL_GUARD_KINDS: tuple[str, ...] = ("ssrf", "redirect")

#: Calls after which control does not continue (``if bad: abort(400)``).
NO_RETURN_CALLS: frozenset[str] = frozenset({
    "flask.abort", "werkzeug.exceptions.abort", "sys.exit", "os._exit", "exit", "quit",
    "django.core.exceptions.PermissionDenied", "fastapi.HTTPException",
})

#: A call on a receiver reached through one of these attributes is a database lookup
#: on a model class (Django ``Model.objects.get(pk=...)``, Flask-SQLAlchemy ``Model.query``):
#: the object it returns is the application's, not the client's, whatever the key.
ORM_RECEIVER_ATTRIBUTES: frozenset[str] = frozenset({"objects", "query"})
#: Receivers never taken for a client, logger or connection by the method sinks and
#: sources matched by receiver name (``db.session.get(Model, id)`` is no HTTP call).
NOT_HTTP_RECEIVER = r"\bdb\b|database|cache|redis|dict|config|settings|environ"

#: Functions whose result carries no taint whatever their arguments (beyond SANITIZERS).
CLEAN_CALLS: frozenset[str] = frozenset({
    "type", "callable", "hasattr", "getattr_static", "isinstance", "issubclass", "print",
    "os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.getsize",
    "time.time", "time.monotonic", "random.random", "range",
    # Exit statuses and sizes: whatever went in, what comes back is a number.
    "os.system", "subprocess.call", "subprocess.check_call", "len", "bool", "id", "hash",
    "django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404",
    "flask_sqlalchemy.SQLAlchemy.get_or_404",
})
