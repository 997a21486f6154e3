import os

import pytest

from dap.conftest import INTERPRETERS, dap_env, make_client, start_launch  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
DEBUGGEES = os.path.join(HERE, "debuggees")


def program(name: str) -> str:
    return os.path.join(DEBUGGEES, name)
