#!/usr/bin/env bash
# Installs the Debian 12 packages Tận Nhà needs to build, test and run.
# Only what is missing is installed, so a second run is quick and needs no network.
set -euo pipefail

packages=(
  g++ cmake make ninja-build pkg-config
  libboost1.81-dev          # Beast, Asio (HTTP server and client)
  libssl-dev                # HTTPS to the platform APIs
  nlohmann-json3-dev        # JSON payloads
  libsqlite3-dev sqlite3    # storage
  libsqlitecpp-dev          # RAII statements over SQLite
  libtomlplusplus-dev       # config
  libcli11-dev              # command line (tannha SUBCOMMAND --options)
  libkainjow-mustache-dev   # templates
  libutf8proc-dev           # NFC and folding of Vietnamese text
  libxlsxwriter-dev zlib1g-dev  # XLSX exports (libxlsxwriter links zlib)
  libsodium-dev             # encrypted backups (crypto_secretstream_xchacha20poly1305)
  doctest-dev               # tests
  curl                      # README examples and smoke checks
  python3                   # the fault checks (bench/faults.py; ctest faults_quick)
  chromium                  # make test: the web pages in a real browser (tests/web/browser_test.sh)
)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(wrk) ;;                           # make bench, make crash (HTTP load)
    # make bench-peers: nginx as the one fake platform API, the Python peer (Debian's PTB 13),
    # Node for the grammY peer: the one installed (the image's Node 20), else Debian's nodejs and
    # npm (bench/peers/run.sh checks Node >= 20, which better-sqlite3 12 needs).
    --peers) packages+=(wrk nginx-light python3-python-telegram-bot)
             command -v node >/dev/null || packages+=(nodejs npm) ;;
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;    # make test-asan, fuzz, fuzz-smoke (CI): clang, libFuzzer, ASan/UBSan
    # make deb, scripts/check-deb.sh: dpkg-shlibdeps and file (CPack computes Depends), lintian,
    # systemd-analyze verify (in the systemd package), man for its Documentation= check.
    --deb) packages+=(dpkg-dev file lintian systemd man-db) ;;
    *) echo "usage: $0 [--bench] [--peers] [--fuzz] [--deb]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "Installing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
