#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine: the system packages emu-eval's native parts need,
# then the npm dependencies. Safe to rerun: it installs only what is missing.
#   cairo, pango, jpeg, gif, rsvg headers → build `canvas` (PNG charts; npm compiles it from source)
#   ffmpeg / ffprobe                      → decode video for MSVD-QA, MSRVTT-QA, ActivityNet-QA
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's install script only downloads its CUDA binaries (the CPU runtime ships in the npm
# package). package.json's allowScripts denies that script to npm 11, which reads allowScripts; this
# variable, the script's own switch, makes older npm versions skip the download too.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

missing=()
for package in libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev ffmpeg; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: install these system packages with your package manager, then rerun: ${missing[*]}" >&2
    exit 1
  fi
  as_root=()
  [ "$(id -u)" -ne 0 ] && as_root=(sudo)
  echo "setup: installing ${missing[*]}" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci also compiles the TypeScript sources into dist/ (the `prepare` script): the emu-eval command runs that.
npm ci --no-audit --no-fund
