#!/usr/bin/env bash
# Installs Debian's Chromium and its chromedriver for the web UI's browser tests (web/src/test), unless present.
# .ci/run calls this and then sets BAGSFLOW_REQUIRE_BROWSER=1 so that those tests cannot skip silently.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
sudo=""
if [[ "$(id -u)" != 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core
