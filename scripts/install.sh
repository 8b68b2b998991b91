#!/bin/sh
# Install the scx binary for this machine from a release, after checking its SHA-256
# against the release's SHA256SUMS.
#
#   curl -fsSL https://github.com/OWNER/scx/releases/latest/download/install.sh | sh
#   sh scripts/install.sh                      # from a checkout
#
# SCX_BASE_URL     where scx-<os>-<arch> and SHA256SUMS are
#                  (default https://github.com/$SCX_REPO/releases/latest/download)
# SCX_REPO         owner/name on GitHub (default scx-dev/scx)
# SCX_VERSION      a tag such as v0.1.0 instead of the latest release
# SCX_INSTALL_DIR  where to put scx (default /usr/local/bin when writable, else ~/.local/bin)
set -eu

repo=${SCX_REPO:-scx-dev/scx}
if [ -n "${SCX_VERSION:-}" ]; then default_base="https://github.com/$repo/releases/download/$SCX_VERSION"
else default_base="https://github.com/$repo/releases/latest/download"; fi
base=${SCX_BASE_URL:-$default_base}

fail() { echo "scx install: $*" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) fail "no scx binary for $(uname -s); build one with: npm run build" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no scx binary for $(uname -m); build one with: npm run build" ;;
esac
asset="scx-$os-$arch"
[ "$os" = windows ] && asset="$asset.exe"
[ "$os" = windows ] && [ "$arch" = arm64 ] && fail "no scx binary for Windows on arm64"

if command -v curl >/dev/null 2>&1; then fetch() { curl -fsSL --connect-timeout 15 --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then fetch() { wget -q -T 60 -O "$2" "$1"; }
else fail "needs curl or wget"; fi

if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else fail "needs sha256sum or shasum to check the download"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "Downloading $base/$asset"
fetch "$base/$asset" "$tmp/$asset" || fail "download failed: $base/$asset"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || fail "download failed: $base/SHA256SUMS"

expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS has no line for $asset"
actual=$(sha256 "$tmp/$asset")
[ "$actual" = "$expected" ] || fail "checksum mismatch for $asset: expected $expected, got $actual; not installed"

if [ -n "${SCX_INSTALL_DIR:-}" ]; then dir=$SCX_INSTALL_DIR
elif [ -w /usr/local/bin ]; then dir=/usr/local/bin
else dir="$HOME/.local/bin"; fi
mkdir -p "$dir"
target="$dir/scx"
[ "$os" = windows ] && target="$target.exe"
chmod +x "$tmp/$asset"
mv "$tmp/$asset" "$target"
echo "Installed $("$target" --version 2>/dev/null || echo scx) to $target (sha256 $actual)"
case ":$PATH:" in *":$dir:"*) ;; *) echo "Add $dir to your PATH to run scx." ;; esac
