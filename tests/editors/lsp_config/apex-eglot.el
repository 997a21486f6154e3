;;; Apex language server with eglot (Emacs 28+, eglot 1.9+).
;; Put this in your init file. Set `apex-lsp-command' to start the server with a
;; particular interpreter, e.g. '("/path/to/venv/bin/apex" "lsp").
(require 'eglot)

(defvar apex-lsp-command '("apex" "lsp")
  "Command that starts the Apex language server.")

(add-to-list 'eglot-server-programs
             `(python-mode . ,(lambda (&optional _interactive) apex-lsp-command)))

;; Editor-level settings (see docs/lsp.md, "Settings"), sent on
;; workspace/configuration requests for the "apex" section.
(setq-default eglot-workspace-configuration '((apex . (:diagnostics (:delivery "push")))))

(add-hook 'python-mode-hook #'eglot-ensure)
