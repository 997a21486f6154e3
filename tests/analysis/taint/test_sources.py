"""Each source family, positive and negative, written from the frameworks' documented APIs."""
import pytest

from .helpers import check

CASES = {
    "input": """
        import os
        os.system(input("cmd? "))  # expect: APX801
        os.system(input.__doc__)
    """,
    "sys.argv and stdin": """
        import os, sys
        os.system(sys.argv[1])  # expect: APX801
        os.system(sys.stdin.readline())  # expect: APX801
        os.system(sys.executable)
    """,
    "environment": """
        import os
        from os import getenv
        os.system(os.environ["CMD"])  # expect: APX801
        os.system(getenv("CMD", "true"))  # expect: APX801
        os.system(os.environ.get("CMD"))  # expect: APX801
        os.system(os.sep)
    """,
    "argparse": """
        import argparse, os
        parser = argparse.ArgumentParser()
        args = parser.parse_args()
        os.system(args.command)  # expect: APX801
    """,
    "flask request": """
        import os
        from flask import Flask, request
        app = Flask(__name__)

        @app.post("/run")
        def run():
            os.system(request.form["c"])  # expect: APX801
            os.system(request.values.get("c"))  # expect: APX801
            os.system(request.get_json()["c"])  # expect: APX801
            os.system(request.json["c"])  # expect: APX801
            os.system(request.cookies.get("c"))  # expect: APX801
            os.system(request.headers["X-C"])  # expect: APX801
            os.system(request.files["f"].filename)  # expect: APX801
            os.system(request.get_data(as_text=True))  # expect: APX801
            os.system(request.method)
            return "ok"
    """,
    "flask route variables": """
        import os
        from flask import Blueprint
        bp = Blueprint("b", __name__)

        @bp.route("/u/<name>/<int:uid>/<path:rest>")
        def user(name, uid, rest):
            os.system("id " + name)  # expect: APX801
            os.system("id %d" % uid)
            os.system("cat " + rest)  # expect: APX801
            return "ok"
    """,
    "django function view": """
        import os
        from django.http import HttpResponse

        def view(request, slug):
            os.system(request.GET["q"])  # expect: APX801
            os.system(request.POST.get("q"))  # expect: APX801
            os.system(request.body.decode())  # expect: APX801
            os.system(request.COOKIES["c"])  # expect: APX801
            os.system(request.META["HTTP_X"])  # expect: APX801
            os.system(request.FILES["f"].name)  # expect: APX801
            os.system(slug)  # expect: APX801
            os.system(request.user.username)
            return HttpResponse("ok")
    """,
    "django class view": """
        import os
        from django.views import View

        class Report(View):
            def get(self, request, pk):
                os.system("report " + pk)  # expect: APX801
                os.system(request.GET["fmt"])  # expect: APX801

            def helper(self, value):
                os.system(value)
    """,
    "fastapi parameters": """
        import os
        from fastapi import Depends, FastAPI, Request
        app = FastAPI()

        def db():
            return "x"

        @app.get("/items/{item_id}")
        async def item(item_id: str, q: str | None = None, limit: int = 10, conn=Depends(db)):
            os.system(item_id)  # expect: APX801
            os.system(q)  # expect: APX801
            os.system("head -n %d" % limit)
            os.system(conn)

        @app.post("/raw")
        async def raw(request: Request):
            body = await request.json()
            os.system(body["c"])  # expect: APX801
            os.system(request.query_params["c"])  # expect: APX801
            os.system(request.path_params["c"])  # expect: APX801
            os.system(request.method)
    """,
    "starlette request": """
        import os
        from starlette.requests import Request

        async def homepage(request: Request):
            os.system(request.headers["x"])  # expect: APX801
            form = await request.form()
            os.system(form["c"])  # expect: APX801
    """,
    "aiohttp handler": """
        import os
        from aiohttp import web

        async def handle(request):
            os.system(request.match_info["name"])  # expect: APX801
            os.system(request.query["q"])  # expect: APX801
            os.system(request.query.get("q"))  # expect: APX801
            data = await request.post()
            os.system(data["c"])  # expect: APX801
            payload = await request.json()
            os.system(payload["c"])  # expect: APX801
            os.system(request.app["config"])
            return web.Response(text="ok")
    """,
    "no framework: a parameter named request is not a source": """
        import os

        def process(request):
            os.system(request.GET["q"])
    """,
}


@pytest.mark.parametrize("name", list(CASES))
def test_source_family(name):
    check(CASES[name])
