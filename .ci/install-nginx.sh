#!/usr/bin/env bash
# Installs Debian's nginx (and openssl) for the TLS proxy that guards the embedded Temporal, unless present.
# .ci/run calls this and then sets BAGSFLOW_REQUIRE_GUARD=1 so that AnotherLocalAccountTest cannot skip the guard.
set -euo pipefail
if [[ -x /usr/sbin/nginx || -n "$(command -v nginx || true)" ]] && command -v openssl >/dev/null; then
  exit 0
fi
"$(dirname "$0")/apt-install.sh" nginx-light openssl iproute2
