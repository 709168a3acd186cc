#!/usr/bin/env bash
# Makes sure the Debian packages the tests need are installed (scripts/debian-packages.txt).
# As root it installs what is missing (apt-get update first); otherwise it names what to install.
set -euo pipefail
cd "$(dirname "$0")"
missing=()
while read -r package command; do
  [[ -z "${package}" || "${package}" == \#* ]] && continue
  if ! command -v "${command}" >/dev/null 2>&1 && [[ ! -x "${command}" ]]; then
    missing+=("${package}")
  fi
done < debian-packages.txt
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ "$(id -u)" -ne 0 ]]; then
  echo "The tests need these Debian packages: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages the tests need: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
