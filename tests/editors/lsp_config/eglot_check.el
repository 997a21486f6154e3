;;; Drives Emacs 28 + eglot against `apex lsp' in --batch (run by test_lsp_emacs.py).
;; Loads the user-facing config (apex-eglot.el, shown in docs/editors/emacs.md),
;; then: flymake diagnostics appear, hover answers, a quick fix applies.
(require 'cl-lib)
(require 'json)
(setq package-directory-list '("/usr/share/emacs/site-lisp/elpa"))
(package-initialize)

(defvar apex-check-report (list))
(defun apex-check-finish (code)
  (with-temp-file (getenv "APEX_EMACS_REPORT")
    (insert (json-encode apex-check-report)))
  (kill-emacs code))

;; Never hang: a stuck wait ends Emacs with a non-zero code.
(run-at-time 60 nil (lambda ()
                      (push '(error . "watchdog fired") apex-check-report)
                      (apex-check-finish 3)))

(defun apex-check-wait (predicate seconds)
  "Wait for PREDICATE, processing server output and re-running flymake."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (when (bound-and-true-p flymake-mode) (flymake-start)))
    value))

(condition-case err
    (let* ((root (getenv "APEX_EMACS_ROOT")))
      (load (getenv "APEX_EGLOT_CONFIG") nil t)
      (setq apex-lsp-command (json-parse-string (getenv "APEX_LSP_CMD") :array-type 'list))
      (add-hook 'project-find-functions (lambda (_dir) (cons 'transient root)))
      (find-file (getenv "APEX_EMACS_FILE"))
      (unless (eq major-mode 'python-mode) (python-mode))
      ;; In --batch, eglot-ensure does nothing: start eglot with the guessed contact.
      (apply #'eglot (eglot--guess-contact))
      (unless (apex-check-wait #'flymake-diagnostics 30) (error "no flymake diagnostics"))
      (push (cons 'diagnostics
                  (mapcar (lambda (d)
                            (list (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                                  (cons 'text (flymake-diagnostic-text d))
                                  (cons 'type (format "%s" (flymake-diagnostic-type d)))))
                          (flymake-diagnostics)))
            apex-check-report)
      ;; Hover on the eval call (line 4).
      (goto-char (point-min)) (forward-line 3) (forward-char 6)
      (let ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                    (eglot--TextDocumentPositionParams))))
        (push (cons 'hover (plist-get (plist-get hover :contents) :value)) apex-check-report))
      ;; The quick fix on the yaml.load line, through eglot's own code-action path.
      (goto-char (point-min)) (forward-line 2)
      (let* ((server (eglot--current-server-or-lose))
             (actions (eglot-code-actions (line-beginning-position) (line-end-position)))
             (wanted (cl-find-if (lambda (a) (string-prefix-p "Use yaml.safe_load"
                                                              (plist-get a :title)))
                                 actions)))
        (push (cons 'actions (mapcar (lambda (a) (plist-get a :title)) actions))
              apex-check-report)
        (unless wanted (error "no yaml quick fix offered"))
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (&rest _) (plist-get wanted :title))))
          (let ((last-nonmenu-event 13))
            (eglot--read-execute-code-action actions server))))
      (goto-char (point-min)) (forward-line 2)
      (push (cons 'fixed_line (buffer-substring-no-properties (line-beginning-position)
                                                               (line-end-position)))
            apex-check-report)
      (apex-check-finish 0))
  (error
   (push (cons 'error (format "%S" err)) apex-check-report)
   (apex-check-finish 2)))
