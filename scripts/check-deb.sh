#!/usr/bin/env bash
# CI: builds the Debian package (`make deb`, from the tree `make test` compiled) and checks it:
# control fields, contents and modes, maintainer scripts and conffiles, the packaged binary and
# config from an extracted tree, `systemd-analyze verify` on the unit, and lintian errors = 0.
# With --install (CI, a throwaway machine; needs root or sudo) it also installs the package,
# checks the user, modes and the installed unit, then purges it and checks what purge deletes.
# Usage: scripts/check-deb.sh [--install] [BUILD_DIR]   (default build; the package is left there)
set -euo pipefail
cd "$(dirname "$0")/.."
install=0
if [[ ${1:-} == --install ]]; then install=1; shift; fi
build_dir=${1:-build}
start=$SECONDS

make --no-print-directory deb BUILD_DIR="$build_dir"

version=$(sed -n 's/^project(tannha VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
deb="$build_dir/tannha_${version}_amd64.deb"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

[[ -f $deb ]] || { echo "FAIL: $deb was not built" >&2; exit 1; }
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == tannha ]] && ok "Package tannha" || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] && ok "Version $version" || fail "Version is '$(field Version)', CMakeLists.txt says $version"
[[ $(field Architecture) == amd64 ]] && ok "Architecture amd64" || fail "Architecture is '$(field Architecture)'"
[[ -n $(field Maintainer) ]] && ok "Maintainer set" || fail "no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
for dep in libc6 libstdc++6 libssl3 libsqlite3-0 libutf8proc libxlsxwriter libtomlplusplus adduser; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep (shlibs: dpkg-shlibdeps)"
done

# Contents, with owner and mode.
listing=$(dpkg-deb -c "$deb")
expect() {  # MODE PATH
  if grep -qE "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \.$2\$" <<<"$listing"; then ok "$1 $2"
  else fail "expected $1 root/root $2, got: $(grep -F " .$2" <<<"$listing" || echo missing)"; fi
}
expect -rwxr-xr-x /usr/bin/tannha
expect -rw-r--r-- /lib/systemd/system/tannha.service
expect -rw-r----- /etc/tannha/config.toml
expect -rw------- /etc/tannha/env
expect -rw-r--r-- /usr/share/doc/tannha/copyright
expect -rw-r--r-- /usr/share/doc/tannha/changelog.gz
expect -rw-r--r-- /usr/share/man/man1/tannha.1.gz
expect -rw-r--r-- /usr/share/doc/tannha/examples/units.d/binhgiang.toml
if grep -E '^d' <<<"$listing" | grep -vqE '^drwxr-xr-x root/root'; then
  fail "a directory is not drwxr-xr-x root/root: $(grep -E '^d' <<<"$listing" | grep -vE '^drwxr-xr-x root/root')"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Maintainer scripts and conffiles.
dpkg-deb -e "$deb" "$tmp/DEBIAN"
[[ $(sort "$tmp/DEBIAN/conffiles") == $'/etc/tannha/config.toml\n/etc/tannha/env' ]] \
  && ok "conffiles: config.toml, env" || fail "conffiles: $(tr '\n' ' ' <"$tmp/DEBIAN/conffiles")"
for s in postinst prerm postrm; do
  [[ -x $tmp/DEBIAN/$s ]] && sh -n "$tmp/DEBIAN/$s" && ok "$s executable, valid sh" || fail "$s missing or invalid"
done
grep -q 'adduser --system' "$tmp/DEBIAN/postinst" && ok "postinst creates the tannha user" || fail "postinst does not create the user"

# The extracted tree: the binary runs, the config is the packaged one and is accepted.
dpkg-deb -x "$deb" "$tmp/root"
if "$tmp/root/usr/bin/tannha" --help >"$tmp/help.txt" 2>&1 && grep -q serve "$tmp/help.txt"; then
  ok "packaged tannha --help runs"
else
  fail "packaged tannha --help: $(head -5 "$tmp/help.txt")"
fi
file -L "$tmp/root/usr/bin/tannha" | grep -q ', stripped' && ok "binary stripped" || fail "binary not stripped"
zcat "$tmp/root/usr/share/doc/tannha/changelog.gz" | head -1 | grep -qF "tannha ($version)" \
  && ok "changelog's latest entry is $version" || fail "packaging/deb/changelog's latest entry is not ($version)"
config=$tmp/root/etc/tannha/config.toml
grep -q '^path = "/var/lib/tannha/tannha.db"$' "$config" && ok "config: storage in /var/lib/tannha" \
  || fail "config: storage.path is not /var/lib/tannha/tannha.db"
sed 's|^path = "/var/lib/tannha/tannha.db"$|path = "'"$tmp"'/t.db"|' "$config" >"$tmp/config.toml"
if env -u TANNHA_WEBHOOK_SECRET TANNHA_WEBHOOK_SECRET=ci-secret-0123456789 \
     "$tmp/root/usr/bin/tannha" migrate --config "$tmp/config.toml" >"$tmp/migrate.txt" 2>&1; then
  ok "packaged config accepted (migrate) with the secret from the environment"
else
  fail "packaged config refused: $(head -5 "$tmp/migrate.txt")"
fi
if env -u TANNHA_WEBHOOK_SECRET "$tmp/root/usr/bin/tannha" migrate --config "$tmp/config.toml" >"$tmp/migrate.txt" 2>&1; then
  fail "packaged config runs without a webhook secret"
else
  ok "packaged config refuses to run without a webhook secret"
fi

# The unit: systemd-analyze verify checks its syntax, that its commands exist and are
# executable, and that man:tannha(1) exists; pointed at the extracted tree.
unit=$tmp/root/lib/systemd/system/tannha.service
mkdir -p "$tmp/unit"
sed "s|/usr/bin/tannha|$tmp/root/usr/bin/tannha|g" "$unit" >"$tmp/unit/tannha.service"
if MANPATH="$tmp/root/usr/share/man" systemd-analyze verify "$tmp/unit/tannha.service" >"$tmp/verify.txt" 2>&1 \
   && ! grep -q . "$tmp/verify.txt"; then
  ok "systemd-analyze verify"
else
  fail "systemd-analyze verify: $(cat "$tmp/verify.txt")"
fi
echo "systemd-analyze security: $(systemd-analyze security --offline=yes "$unit" 2>/dev/null | tail -1)"

# lintian: errors fail; warnings are listed (the ones kept on purpose are overridden, with why,
# in packaging/deb/lintian-overrides).
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
echo "${lintian_out:-lintian: no tags}"
errors=$(grep -c '^E: ' <<<"$lintian_out" || true)
[[ $errors -eq 0 ]] && ok "lintian: 0 errors, $(grep -c '^W: ' <<<"$lintian_out" || true) warnings" \
  || fail "lintian: $errors errors"

if ((install)); then
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  if dpkg-query -W -f='${Status}' tannha 2>/dev/null | grep -q "ok installed"; then
    fail "--install: tannha is installed on this machine already; not touching it"
  else
    $SUDO apt-get install -y -qq "./$deb" >"$tmp/apt.txt" 2>&1 || $SUDO dpkg -i "$deb" >>"$tmp/apt.txt" 2>&1 \
      || fail "install: $(tail -5 "$tmp/apt.txt")"
    getent passwd tannha >/dev/null && ok "install: tannha user created" || fail "install: no tannha user"
    [[ $(stat -c '%U:%G %a' /etc/tannha/config.toml) == "root:tannha 640" ]] && ok "install: config.toml root:tannha 640" \
      || fail "install: config.toml is $(stat -c '%U:%G %a' /etc/tannha/config.toml)"
    [[ $(stat -c '%U:%G %a' /etc/tannha/env) == "root:root 600" ]] && ok "install: env root:root 600" \
      || fail "install: env is $(stat -c '%U:%G %a' /etc/tannha/env)"
    [[ $(stat -c '%U:%G %a' /var/lib/tannha) == "tannha:tannha 750" ]] && ok "install: /var/lib/tannha tannha:tannha 750" \
      || fail "install: /var/lib/tannha is $(stat -c '%U:%G %a' /var/lib/tannha 2>&1)"
    if systemd-analyze verify /lib/systemd/system/tannha.service >"$tmp/verify.txt" 2>&1 && ! grep -q . "$tmp/verify.txt"; then
      ok "install: systemd-analyze verify on the installed unit"
    else
      fail "install: systemd-analyze verify: $(cat "$tmp/verify.txt")"
    fi
    $SUDO dpkg --purge tannha >"$tmp/purge.txt" 2>&1 || fail "purge: $(tail -5 "$tmp/purge.txt")"
    [[ ! -e /etc/tannha && ! -e /var/lib/tannha && ! -e /usr/bin/tannha ]] && ok "purge: /etc/tannha, /var/lib/tannha gone" \
      || fail "purge left $(ls -d /etc/tannha /var/lib/tannha /usr/bin/tannha 2>/dev/null | tr '\n' ' ')"
    getent passwd tannha >/dev/null && ok "purge: tannha user kept (Debian practice)" || fail "purge: tannha user removed"
  fi
fi

echo "check-deb: $((SECONDS - start)) s"
if ((failures)); then
  echo "check-deb: $failures check(s) failed" >&2
  exit 1
fi
echo "check-deb: package OK"
