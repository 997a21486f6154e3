"""A small Flask app with real, classic vulnerabilities. Do not deploy."""
import os
import pickle
import sqlite3
import subprocess

import requests
import yaml
from flask import Flask, redirect, render_template_string, request

app = Flask(__name__)
SECRET_KEY = "s3cr3t-pr0duction-k3y-1234567890"


@app.route("/calc")
def calc():
    return str(eval(request.args["expr"]))


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/user")
def user():
    conn = sqlite3.connect("app.db")
    name = request.args["name"]
    rows = conn.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
    return {"rows": rows}


@app.route("/hello")
def hello():
    return render_template_string("<h1>Hello " + request.args.get("name", "") + "</h1>")


@app.route("/load", methods=["POST"])
def load():
    return pickle.loads(request.data)


@app.route("/config", methods=["POST"])
def config():
    return yaml.load(request.data)


@app.route("/fetch")
def fetch():
    return requests.get(request.args["url"], verify=False).text


@app.route("/go")
def go():
    return redirect(request.args["next"])


@app.route("/file")
def read_file():
    with open(os.path.join("/srv/files", request.args["name"])) as handle:
        return handle.read()


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
