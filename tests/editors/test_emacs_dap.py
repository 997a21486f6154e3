"""Real editor: Emacs dap-mode drives `apex dap` over stdio, and over TCP (`--port`) with
the access token in the debug configuration (dap-mode cannot send a token line).

Stops at a breakpoint, reads a variable through scopes/variables, continues to the end.
Skips (saying why) when Emacs or dap-mode is not installed (`scripts/setup --all`).
"""
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ELPA = "/usr/share/emacs/site-lisp/elpa"
PROGRAM = os.path.join(ROOT, "tests", "dap", "debuggees", "basic.py")

pytestmark = [pytest.mark.editor]

ELISP = r"""
(setq package-directory-list '("%(elpa)s"))
(package-initialize)
(require 'dap-mode)
(require 'dap-ui)
(setq dap-breakpoints-file "%(tmp)s/breakpoints"
      dap-auto-configure-features nil
      dap-print-io nil)
(defvar apex-result (list))
(defvar apex-stopped nil)
(defvar apex-terminated nil)
(defun apex-note (key value) (push (cons key value) apex-result))
(defun apex-finish (code)
  (with-temp-file "%(tmp)s/result.json" (insert (json-encode apex-result)))
  (kill-emacs code))
(run-at-time 90 nil (lambda () (apex-note "error" "watchdog") (apex-finish 3)))
(defun apex-wait (predicate what)
  (let ((deadline (+ (float-time) 60)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate)
      (apex-note "error" (concat "timeout waiting for " what))
      (apex-finish 2))))
(defun apex-request (session command args)
  (let ((result nil) (done nil))
    (dap--send-message (dap--make-request command args)
                       (dap--resp-handler (lambda (resp) (setq result resp done t))
                                          (lambda (resp) (setq result resp done t)))
                       session)
    (apex-wait (lambda () done) command)
    result))
(dap-register-debug-provider
 "apex" (lambda (conf) %(provider)s conf))
(add-hook 'dap-stopped-hook (lambda (_session) (setq apex-stopped t)))
(add-hook 'dap-terminated-hook (lambda (_session) (setq apex-terminated t)))
(condition-case err
    (progn
      (find-file "%(program)s")
      (goto-char (point-min))
      (forward-line (1- %(line)d))
      (dap-breakpoint-add)
      (dap-debug (list :type "apex" :request "launch" :name "apex-test"
                       :program "%(program)s" :args ["2"] :console "internalConsole"
                       :cwd "%(tmp)s" %(extra)s))
      (apex-wait (lambda () apex-stopped) "stopped")
      (let* ((session (dap--cur-session))
             (thread-id (dap--debug-session-thread-id session)))
        (apex-wait (lambda () (dap--debug-session-active-frame session)) "active frame")
        (let* ((frame (dap--debug-session-active-frame session))
               (scopes (gethash "scopes" (gethash "body" (apex-request session "scopes" (list :frameId (gethash "id" frame))))))
               (locals (elt scopes 0))
               (vars (gethash "variables" (gethash "body" (apex-request session "variables"
                          (list :variablesReference (gethash "variablesReference" locals)))))))
          (apex-note "line" (gethash "line" frame))
          (apex-note "function" (gethash "name" frame))
          (mapc (lambda (v) (apex-note (concat "var:" (gethash "name" v)) (gethash "value" v))) vars))
        (dap-breakpoint-delete-all)
        (dap-continue session thread-id)
        (apex-wait (lambda () apex-terminated) "terminated")
        (apex-note "terminated" t)
        (apex-finish 0)))
  (error (apex-note "error" (format "%%S" err)) (apex-finish 1)))
"""


def _line(marker):
    with open(PROGRAM) as f:
        for number, text in enumerate(f, 1):
            if f"# @{marker}" in text:
                return number
    raise KeyError(marker)


def _start_tcp_adapter(token):
    import re
    adapter = subprocess.Popen([sys.executable, "-m", "apex_dap", "--port", "0", "--token", token],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    match = re.search(rb"127\.0\.0\.1:(\d+)", adapter.stderr.readline())
    assert match, "the adapter did not announce its port"
    return adapter, int(match.group(1))


@pytest.mark.parametrize("transport", ["stdio", "tcp"])
def test_emacs_dap_mode_breakpoint_variable_continue(tmp_path, transport):
    emacs = shutil.which("emacs")
    if not emacs or not os.path.isdir(ELPA) or not any(
            name.startswith("dap-mode") for name in os.listdir(ELPA)):
        pytest.skip("Emacs with dap-mode not installed (scripts/setup --all installs elpa-dap-mode)")
    home = tmp_path / "home"
    home.mkdir()
    adapter = None
    if transport == "tcp":
        adapter, port = _start_tcp_adapter("emacs-token")
        provider = f'(plist-put conf :debugServer {port}) (plist-put conf :host "127.0.0.1")'
        extra = ':token "emacs-token"'
    else:
        provider = f'(plist-put conf :dap-server-path (list "{sys.executable}" "-m" "apex_dap"))'
        extra = ""
    script = tmp_path / "test.el"
    script.write_text(ELISP % {"elpa": ELPA, "tmp": str(tmp_path), "provider": provider,
                               "extra": extra, "program": PROGRAM, "line": _line("add")})
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local"),
               TMPDIR=str(tmp_path))
    env.pop("PYENV_VERSION", None)
    process = subprocess.Popen([emacs, "-Q", "--batch", "-l", str(script)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, cwd=str(tmp_path))
    try:
        output, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    finally:
        adapter_code = None
        if adapter is not None:
            try:
                adapter_code = adapter.wait(10)
            except subprocess.TimeoutExpired:
                pass
        for group in [process.pid] + ([adapter.pid] if adapter is not None else []):
            try:
                os.killpg(group, signal.SIGKILL)  # whatever was left behind
            except ProcessLookupError:
                pass
    result_file = tmp_path / "result.json"
    assert result_file.exists(), output.decode(errors="replace")[-3000:]
    result = dict(json.loads(result_file.read_text()))
    assert "error" not in result, (result, output.decode(errors="replace")[-3000:])
    assert result["function"] == "add" and result["line"] == _line("add")
    assert result["var:a"] == "0" and result["var:b"] == "0"
    assert result["terminated"] is True
    if adapter is not None:
        assert adapter_code == 0  # the TCP adapter exits with its session
