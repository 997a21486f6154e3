"""A script that tries what isolation mode forbids; each attempt reports how it was stopped."""
import os
import socket
import subprocess


def attempt(what, action):
    try:
        action()
    except Exception as exc:  # the point is to show the refusal, whatever its type
        print(f"{what:<28} stopped: {type(exc).__name__}: {exc}")
    else:
        print(f"{what:<28} ALLOWED")


def connect():
    socket.create_connection(("example.com", 80), timeout=2).close()


def spawn():
    subprocess.run(["id"], check=True, capture_output=True)


def write_outside():
    with open(os.path.expanduser("~/.bashrc"), "a") as handle:
        handle.write("echo pwned\n")


attempt("network connection", connect)
attempt("start a subprocess", spawn)
attempt("write to ~/.bashrc", write_outside)
print("the program itself ran to the end")
