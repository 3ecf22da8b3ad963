#!/bin/sh
# Prepares a fresh machine for the notebooks: checks Node, installs npm packages when missing,
# then runs environment/setup.js (Jupyter, tslab kernel registration and check).
# Usage: sh environment/setup.sh [--frontend]
set -e
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js is not installed: install Node 20.19 or newer (https://nodejs.org, or nvm install 20)" >&2
  exit 1
fi
[ -d node_modules/tslab ] || npm ci --no-audit --no-fund
exec node environment/setup.js "$@"
