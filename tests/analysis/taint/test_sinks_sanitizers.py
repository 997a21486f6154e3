"""Each sink and sanitizer family, positive and negative."""
import pytest

from .helpers import check

SINKS = {
    "code": """
        import sys, runpy
        eval(sys.argv[1])  # expect: APX800
        exec(compile(sys.argv[1], "f", "exec"))  # expect: APX800
        __import__(sys.argv[1])  # expect: APX800
        runpy.run_path(sys.argv[1])  # expect: APX800
        eval("1")
    """,
    "command": """
        import os, sys, subprocess, asyncio, pty
        subprocess.Popen(sys.argv[1], shell=True)  # expect: APX801
        subprocess.check_output(["sh", "-c", sys.argv[1]])
        subprocess.call([sys.argv[1]])  # expect: APX801
        os.execvp(sys.argv[1], [sys.argv[1]])  # expect: APX801
        os.spawnl(os.P_WAIT, sys.argv[1])  # expect: APX801
        asyncio.create_subprocess_shell(sys.argv[1])  # expect: APX801
        pty.spawn(sys.argv[1])  # expect: APX801
        subprocess.run("ls", shell=True)
    """,
    "sql": """
        from flask import request
        import sys, sqlite3, pandas
        conn = sqlite3.connect(":memory:")
        conn.executescript(request.args["a"])  # expect: APX802
        conn.executemany("INSERT INTO t VALUES (%s)" % request.args["a"], [])  # expect: APX802
        pandas.read_sql("SELECT * FROM " + request.args["a"], conn)  # expect: APX802
        conn.execute("SELECT ?", (request.args["a"],))
    """,
    "template": """
        from flask import request
        import sys
        from django.template import Template
        from mako.template import Template as Mako
        Template(request.args["a"])  # expect: APX803
        Mako(text=request.args["a"])  # expect: APX803
        Template("{{ x }}")
    """,
    "xss (non-Flask)": """
        from flask import request
        import sys
        from markupsafe import Markup
        from starlette.responses import HTMLResponse
        from aiohttp import web
        Markup(request.args["a"])  # expect: APX804
        HTMLResponse(content=request.args["a"])  # expect: APX804
        web.Response(text=request.args["a"], content_type="text/html")  # expect: APX804
        web.Response(text=request.args["a"])
    """,
    "redirect": """
        from flask import request
        import sys
        from starlette.responses import RedirectResponse
        from django.http import HttpResponseRedirect
        RedirectResponse(request.args["a"])  # expect: APX805
        HttpResponseRedirect(redirect_to=request.args["a"])  # expect: APX805
        RedirectResponse("/")
    """,
    "path": """
        from flask import request
        import sys, os, shutil, codecs
        codecs.open(request.args["a"])  # expect: APX806
        shutil.copy("a", request.args["a"])  # expect: APX806
        os.rename(request.args["a"], "b")  # expect: APX806
        shutil.rmtree(os.path.join("/tmp", request.args["a"]))  # expect: APX806
        open("/etc/hosts")
    """,
    "ssrf": """
        from flask import request
        import sys, requests, httpx, urllib.request, http.client
        requests.request("GET", request.args["a"])  # expect: APX807
        httpx.post(url=request.args["a"])  # expect: APX807
        urllib.request.Request(request.args["a"])  # expect: APX807
        http.client.HTTPSConnection(request.args["a"])  # expect: APX807
        session = requests.Session()
        session.get(request.args["a"])  # expect: APX807
        settings = {}
        settings.get(request.args["a"])
        requests.get("https://example.com", params={"q": request.args["a"]})
    """,
    "deserialization": """
        import sys, pickle, marshal, jsonpickle, yaml, shelve
        pickle.load(open(sys.argv[1], "rb"))
        pickle.loads(sys.stdin.buffer.read())  # expect: APX808
        marshal.loads(sys.stdin.buffer.read())  # expect: APX808
        jsonpickle.decode(input())  # expect: APX808
        yaml.load(input(), yaml.CSafeLoader)
        yaml.safe_load(input())
    """,
    "ldap and xpath": """
        from flask import request
        import sys
        from lxml import etree
        from ldap3 import Connection
        conn = Connection("ldap://x")
        conn.search("dc=x", "(cn=" + request.args["a"] + ")")  # expect: APX809
        etree.ETXPath("//" + request.args["a"])  # expect: APX810
        doc = etree.parse("x.xml")
        doc.xpath("//a[@id=$v]", v=request.args["a"])
    """,
    "secrets": """
        import os, logging, keyring
        log = logging.getLogger("x")
        password = keyring.get_password("svc", "me")
        log.warning("pw=%s", password)  # expect: APX811
        logging.error(os.getenv("DB_PASSWORD"))  # expect: APX811
        logging.error(os.getenv("DB_HOST"))
        print(os.environ["SECRET_KEY"])  # expect: APX811
        log.info("hash %s", hash(password))
    """,
}

SANITIZERS = {
    "shlex.quote clears commands only": """
        import os, sys, shlex
        q = shlex.quote(sys.argv[1])
        os.system("ls " + q)
        eval(q)  # expect: APX800
    """,
    "int and float": """
        import os, sys
        os.system("seq %d" % int(sys.argv[1]))
        os.system("sleep %f" % float(sys.argv[1]))
        os.system("sleep " + str(sys.argv[1]))  # expect: APX801
    """,
    "html escaping": """
        from flask import request
        import html, sys
        from markupsafe import Markup, escape
        from django.http import HttpResponse
        HttpResponse(html.escape(request.args["a"]))
        Markup(escape(request.args["a"]))
        HttpResponse(request.args["a"].strip())  # expect: APX804
    """,
    "parameterised queries": """
        from flask import request
        import sys, sqlite3
        db = sqlite3.connect(":memory:")
        db.execute("SELECT * FROM t WHERE a = ?", (request.args["a"],))
        db.execute(sql="SELECT * FROM t WHERE a = :a", parameters={"a": request.args["a"]})
        db.execute(f"SELECT * FROM t WHERE a = '{request.args.get('a')}'")  # expect: APX802
    """,
    "basename and secure_filename": """
        from flask import request
        import os, sys
        from werkzeug.utils import secure_filename
        open(os.path.join("/srv", os.path.basename(request.args["a"])))
        open(os.path.join("/srv", secure_filename(request.args["a"])))
        open(os.path.join("/srv", os.path.dirname(request.args["a"])))  # expect: APX806
    """,
    "allow-list membership": """
        import os, sys
        ALLOWED = {"start", "stop"}
        action = sys.argv[1]
        if action in ALLOWED:
            os.system("service x " + action)
        os.system("service x " + action)  # expect: APX801
        if action not in ALLOWED:
            sys.exit(2)
        os.system("service x " + action)
    """,
    "allow-list with a tainted list is no check": """
        import os, sys
        if sys.argv[1] in sys.argv[2:]:
            os.system(sys.argv[1])  # expect: APX801
    """,
    "urlparse netloc allow-list": """
        from flask import request
        import sys, requests
        from urllib.parse import urlparse, urlsplit
        ALLOWED = {"api.example.com"}
        url = request.args["a"]
        parts = urlsplit(url)
        if parts.hostname in ALLOWED:
            requests.get(url)
        if urlparse(url).netloc == "api.example.com":
            requests.get(url)
        requests.get(url)  # expect: APX807
    """,
    "string predicates": """
        import os, sys
        n = sys.argv[1]
        if n.isdigit():
            os.system("seq " + n)
        if not n.isalnum():
            raise ValueError(n)
        os.system("seq " + n)
    """,
}


@pytest.mark.parametrize("name", list(SINKS))
def test_sink_family(name):
    check(SINKS[name])


@pytest.mark.parametrize("name", list(SANITIZERS))
def test_sanitizer(name):
    check(SANITIZERS[name])
