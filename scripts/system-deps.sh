#!/usr/bin/env bash
# Debian packages emodash uses: libportaudio2 (local microphone via sounddevice), chromium + chromium-driver
# (the browser tests) and postgresql (the catalogue tests start a throw-away server of their own). Installs what is
# missing when it can (root or passwordless sudo); otherwise says what to run. Never fails the set-up: the app works
# without them (no local microphone; browser and PostgreSQL tests skip with a reason).
set -u
wanted=(libportaudio2 chromium chromium-driver postgresql)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "emodash: not a Debian/Ubuntu system; please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "emodash: cannot install ${missing[*]} without root. Run: sudo apt-get install -y ${missing[*]}" >&2
  echo "emodash: until then the local microphone, the browser tests and the PostgreSQL tests are unavailable; the dashboard works." >&2
  exit 0
fi
echo "emodash: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  "${as_root[@]}" apt-get update -qq >/dev/null 2>&1
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || echo "emodash: apt-get could not install ${missing[*]}; the local microphone, browser and PostgreSQL tests will be unavailable." >&2
fi
exit 0
