-- Apex language server for Neovim 0.7+ with the built-in LSP client (no plugins).
-- Put this in your init.lua (or `luafile` it). Set vim.g.apex_cmd to start the
-- server with a particular interpreter, e.g. { "/path/to/venv/bin/apex", "lsp" }.
local apex_clients = {}

local function apex_root(fname)
  for _, marker in ipairs({ "apex.toml", "pyproject.toml", ".git" }) do
    local found = vim.fn.findfile(marker, vim.fn.fnamemodify(fname, ":p:h") .. ";")
    if found == "" then
      found = vim.fn.finddir(marker, vim.fn.fnamemodify(fname, ":p:h") .. ";")
    end
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h"):gsub("/%.git$", "")
    end
  end
  return vim.fn.getcwd()
end

local function apex_attach(bufnr)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local ft = vim.bo[bufnr].filetype
  if ft == "toml" and not (fname:match("pyproject%.toml$") or fname:match("apex%.toml$")) then
    return
  end
  local root = apex_root(fname)
  local id = apex_clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = "apex",
      cmd = vim.g.apex_cmd or { "apex", "lsp" },
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      -- Editor-level settings; see docs/lsp.md ("Settings").
      init_options = vim.g.apex_settings or {},
      handlers = {
        ["apex/status"] = function(_, status)
          vim.g.apex_status = status.mode .. " (" .. status.policySourceDescription .. ")"
        end,
      },
    })
    apex_clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "python", "toml" },
  callback = function(args) apex_attach(args.buf) end,
})
