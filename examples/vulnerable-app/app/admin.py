"""Untrusted input crosses a file boundary before it reaches the shell."""
from flask import request

from .shell import archive
from .views import app


@app.route("/admin/backup")
def backup():
    return str(archive(request.args["name"]))
