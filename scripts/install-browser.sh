#!/usr/bin/env bash
# Install Debian's chromium for the real-browser test when it is missing (never downloads Playwright's browsers).
set -eu
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "hilorojo: chromium not found -- install it with 'apt-get install chromium' (the browser test is skipped without it)" >&2
fi
exit 0
