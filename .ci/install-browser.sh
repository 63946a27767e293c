#!/usr/bin/env bash
# Installs Debian's Chromium and its chromedriver for the web UI's browser tests (web/src/test), unless present.
# .ci/run calls this and then sets BAGSFLOW_REQUIRE_BROWSER=1 so that those tests cannot skip silently.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
"$(dirname "$0")/apt-install.sh" chromium chromium-driver fonts-dejavu-core
