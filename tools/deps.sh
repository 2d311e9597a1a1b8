#!/usr/bin/env bash
# Finds the Debian packages kbscan needs to build and test, and installs the
# missing ones with apt-get (through sudo when not root). Says what it does.
set -euo pipefail

# Build: compilers and libraries. Test: cmocka, the independent EVTX readers
# (evtxinfo from libevtx-utils, libevtx's Python binding python3-libevtx, and
# python-evtx) used to check evtxgen's output; bsdtar (libarchive-tools) and
# gcab, which pack the sample bundles and the archive tests' bundles.
packages=(
  gcc make pkg-config
  libevtx-dev libbfio-dev libpcre2-dev libcjson-dev libcmocka-dev zlib1g-dev libdeflate-dev libarchive-dev libevt-dev libexpat1-dev
  libevtx-utils python3-evtx python3-libevtx time libarchive-tools gcab
)
# Wanted but not required: the browser test of the HTML report counts as
# skipped without Chromium, so a failed install of it is a warning only.
optional=(chromium fonts-noto-cjk)
# Optional extras come in through KBSCAN_EXTRA_PACKAGES (e.g. clang for fuzzing,
# mingw-w64-common for `make errcodes`, whose headers the error code table is
# generated from; without them its up-to-date test is skipped).
if [ -n "${KBSCAN_EXTRA_PACKAGES:-}" ]; then
  read -r -a extra <<<"$KBSCAN_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing+=("$p") ;;
  esac
done

missing_optional=()
for p in "${optional[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing_optional+=("$p") ;;
  esac
done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: no apt-get here; install them with your package manager" >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "deps: missing packages: ${missing[*]}; not root and no sudo" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq || echo "deps: apt-get update failed; trying with the lists we have" >&2
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "deps: installed ${#missing[@]} package(s)"
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  echo "deps: installing optional ${missing_optional[*]} (for the browser test of the HTML report)"
  if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing_optional[@]}"; then
    echo "deps: warning: could not install ${missing_optional[*]}; the browser test will be skipped" >&2
  fi
fi
