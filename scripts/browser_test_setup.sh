#!/usr/bin/env bash
# Set up the browser test (tests/test_widget_browser.py): Debian's chromium, and the package with its `dev` and
# `browser` extras (JupyterLab 4, ipywidgets 8, Playwright) in the given venv. Playwright's own browser download
# (`playwright install`) is not used: the test drives /usr/bin/chromium through `executable_path`.
# Usage: bash scripts/browser_test_setup.sh VENV      (e.g. .venv; run as root, or with sudo available, for apt-get)
set -euo pipefail
venv=${1:?usage: $0 VENV (a virtual environment made with python3 -m venv)}
root=$(cd "$(dirname "$0")/.." && pwd)
test -x "$venv/bin/pip" || { echo "$venv/bin/pip not found: make the venv first (python3 -m venv $venv)" >&2; exit 1; }

if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
chromium=$(command -v chromium || command -v chromium-browser)
echo "chromium: $chromium ($("$chromium" --version 2>/dev/null || echo 'version unknown'))"

"$venv/bin/pip" install -q -e "$root[dev,browser]" 2>&1 | { grep -v "is ignored: it is neither" || true; }
"$venv/bin/python" -c "import jupyterlab, ipywidgets, playwright.sync_api, importlib.metadata as m; \
print('jupyterlab', jupyterlab.__version__, 'ipywidgets', ipywidgets.__version__, 'playwright', m.version('playwright'))"
