-- Drives Neovim's built-in LSP client against `apex lsp` (run by test_lsp_neovim.py).
-- Loads the user-facing config (lsp_config/apex.lua, shown in docs/editors/neovim.md),
-- then: diagnostics appear, hover works, a quick fix applies. Writes a JSON report.
local out_path = os.getenv("APEX_NVIM_REPORT")
local report = { steps = {} }

local function finish(code)
  local f = io.open(out_path, "w")
  f:write(vim.fn.json_encode(report))
  f:close()
  for _, client in pairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.cmd((code == 0) and "qall!" or ("cquit " .. code))
end

-- Never hang: an uncaught error or a stuck wait ends nvim with a non-zero code.
vim.defer_fn(function()
  report.error = "watchdog fired"
  finish(3)
end, tonumber(os.getenv("APEX_NVIM_WATCHDOG_MS") or "60000"))

local function main()
  vim.g.apex_cmd = vim.fn.json_decode(os.getenv("APEX_LSP_CMD"))
  dofile(os.getenv("APEX_NVIM_CONFIG"))
  vim.cmd("filetype on")
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("APEX_NVIM_FILE")))
  if vim.bo.filetype ~= "python" then vim.bo.filetype = "python" end

  assert(vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20),
         "no diagnostics arrived")
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(report.diagnostics, { line = d.lnum, col = d.col, source = d.source,
      code = lsp.code or d.code, severity = d.severity, message = d.message })
  end
  table.insert(report.steps, "diagnostics")

  -- Hover on the eval call (line 4, 0-based 3).
  vim.api.nvim_win_set_cursor(0, { 4, 6 })
  local hover = vim.lsp.buf_request_sync(0, "textDocument/hover",
                                         vim.lsp.util.make_position_params(), 10000)
  for _, res in pairs(hover or {}) do
    if res.result then report.hover = res.result.contents.value end
  end
  table.insert(report.steps, "hover")

  -- The quick fix on the yaml.load line, through nvim's own code action UI.
  vim.api.nvim_win_set_cursor(0, { 3, 10 })
  local wanted = "Use yaml.safe_load"
  vim.ui.select = function(items, _, on_choice)
    report.actions = {}
    for i, item in ipairs(items) do
      local action = item[2] or item.action or item
      table.insert(report.actions, action.title)
      if action.title:sub(1, #wanted) == wanted then return on_choice(item, i) end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  assert(vim.wait(10000, function()
    return vim.api.nvim_buf_get_lines(0, 2, 3, false)[1]:find("safe_load", 1, true) ~= nil
  end, 20), "the quick fix did not change the buffer")
  report.fixed_line = vim.api.nvim_buf_get_lines(0, 2, 3, false)[1]
  table.insert(report.steps, "code_action")
  report.status = vim.g.apex_status
  finish(0)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  report.error = err
  finish(2)
end
