#!/usr/bin/env bash
# scripts/goreleaser-check.sh — validate .goreleaser.yaml and prove a release
# build works, without publishing anything.
#
#   ./scripts/goreleaser-check.sh          goreleaser check, then a snapshot
#                                          build for this machine's OS/arch,
#                                          and check `cabinet --version`
#   FULL=1 ./scripts/goreleaser-check.sh   snapshot of every target, with
#                                          archives and checksums.txt
#
# Uses goreleaser from PATH or $(go env GOPATH)/bin; if there is none, installs
# $GORELEASER (built from source: several minutes) without touching go.mod.
# dist/ is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER=${GORELEASER:-github.com/goreleaser/goreleaser/v2@v2.15.1}

step() { printf '\n== %s\n' "$*"; }

gr=$(command -v goreleaser || true)
if [ -z "$gr" ]; then
  gr="$(go env GOPATH)/bin/goreleaser"
  if [ ! -x "$gr" ]; then
    step "installing $GORELEASER (takes a few minutes)"
    # From a neutral directory so the module's go.mod is not consulted.
    (cd "${TMPDIR:-/tmp}" && GOFLAGS= GOTOOLCHAIN=${GOTOOLCHAIN:-local} go install "$GORELEASER")
  fi
fi
"$gr" --version | sed -n 's/^GitVersion: */goreleaser /p'

if [ -e dist ]; then
  echo "goreleaser-check: dist/ already exists; remove it first" >&2
  exit 1
fi
trap 'rm -rf dist' EXIT

step "goreleaser check"
"$gr" check

if [ -n "${FULL:-}" ]; then
  step "goreleaser release --snapshot (all targets, nothing published)"
  "$gr" release --snapshot --clean
  ls dist/*.tar.gz dist/*.zip dist/checksums.txt
  (cd dist && sha256sum -c checksums.txt)
else
  step "goreleaser build --snapshot --single-target"
  "$gr" build --snapshot --clean --single-target
fi

step "version stamp"
want=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
exe=$(go env GOEXE)
bin=$(ls -d dist/cabinet_"$(go env GOOS)"_"$(go env GOARCH)"*/cabinet"$exe" | head -n 1)
got=$("$bin" --version)
echo "$bin: $got"
case $got in
  *" $want") ;;
  *) echo "goreleaser-check: want version $want" >&2; exit 1 ;;
esac

printf '\ngoreleaser config OK\n'
