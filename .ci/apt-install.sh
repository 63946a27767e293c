#!/usr/bin/env bash
# Installs Debian packages without recommends, through sudo unless already root: the shared tail of the install-*.sh
# scripts, which each decide first whether anything is missing.
set -euo pipefail
sudo=""
if [[ "$(id -u)" != 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "$@"
