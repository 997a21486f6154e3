"""Start the harness in any Python program from environment variables alone.

    PYTHONPATH=<adapter>/apex_harness/_site APEX_HARNESS_LISTEN=127.0.0.1:5679 \\
        APEX_HARNESS_TOKEN=... python app.py

Does nothing unless APEX_HARNESS_LISTEN or APEX_HARNESS_CONNECT is set; the settings are
removed from os.environ, so child processes do not start harnesses of their own. The
interpreter's own sitecustomize (which this file shadows) is still run.
"""
import os
import sys


def _apex_boot():
    if not (os.environ.get("APEX_HARNESS_LISTEN") or os.environ.get("APEX_HARNESS_CONNECT")):
        return
    adapter = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if adapter not in sys.path:
        sys.path.append(adapter)
    try:
        from apex_harness import boot

        boot.start(boot.take_settings(os.environ))
    except SystemExit:
        pass          # boot explained the problem on stderr; the program still runs
    except Exception as exc:
        sys.stderr.write("apex-harness: not started: %s\n" % exc)


def _chain():
    """Run the sitecustomize we shadow, if there is one."""
    here = os.path.dirname(os.path.abspath(__file__))
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("sitecustomize", [p for p in sys.path
                                                  if os.path.abspath(p or ".") != here])
    if spec is not None and spec.loader is not None:
        try:
            module = type(sys)("sitecustomize")
            module.__file__ = spec.origin
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.stderr.write("Error in sitecustomize (chained by apex): %s\n" % exc)


_apex_boot()
_chain()
