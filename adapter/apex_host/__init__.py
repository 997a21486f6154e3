"""The host side of the harness: runs in the adapter / CLI process (Python 3.10+).

* ``client.HarnessClient``: talks to a harness (request/response + events).
* ``launch.spawn``: start a program with the harness booted and connected.
* ``attach.attach``: inject the harness into a running process by pid (gdb / 3.14).
* ``sandbox``: the isolation launcher behind ``apex run --mode isolation``.
* ``processes``: the process list behind ``apex ps``.
"""
import os

#: Directories the target needs on sys.path for apex_harness and apex_policy.
ADAPTER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_DIR = os.path.join(os.path.dirname(ADAPTER_DIR), "server")
BOOT_SCRIPT = os.path.join(ADAPTER_DIR, "apex_harness", "boot.py")
