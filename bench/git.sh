#!/usr/bin/env bash
# bench/git.sh: what a shared Git store costs, against the git commands a
# person would run by hand. Prints a Markdown table on stdout (progress goes
# to stderr).
#
#   bench/git.sh              # a store of 10,000 secrets
#   N=20000 CHANGED=200 bench/git.sh
#
# a. cabinet set PATH in a Git store of N secrets (the value from stdin; one
#    commit with the secret file and the audit line) vs editing a secret file
#    and `git add FILE && git commit -m ...` by hand. Target: at most 1.5 ×.
# b. cabinet sync bringing in CHANGED secrets changed on another clone (one
#    commit each) vs a plain `git pull` of the same commits into a copy of
#    the same clone. Target: at most 1.5 ×.
# Everything lives in one temporary folder, removed on exit; the identity is
# a throw-away file, no OS keyring is touched, no value is printed.
set -euo pipefail

N=${N:-10000}
CHANGED=${CHANGED:-100}
RUNS=${RUNS:-15}
cd "$(dirname "$0")/.."
log() { echo "$@" >&2; }
die() { log "bench/git.sh: $*"; exit 1; }
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >&2
command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"
command -v git >/dev/null || die "git is missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cabinet-git-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Go keeps its caches where they were; Git gets a HOME of its own, with an
# identity and none of the user's config.
export GOMODCACHE="$(go env GOMODCACHE)" GOCACHE="$(go env GOCACHE)" GOPATH="$(go env GOPATH)"
export HOME="$tmp/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name Bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

log "== building"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/bin/cabinet" ./cmd/cabinet
go build -o "$tmp/bin/gen" ./bench/gen
cab="$tmp/bin/cabinet"
"$cab" identity new --file "$tmp/me.key" >/dev/null 2>&1
export CABINET_IDENTITY_FILE="$tmp/me.key"

log "== a store of $N secrets, made a Git repository with a bare remote"
"$tmp/bin/gen" -n "$N" -dir "$tmp/a" -member me -q
git -C "$tmp/a" init -q
"$cab" --store "$tmp/a" ls >/dev/null # the listing index, ignored by Git
git -C "$tmp/a" add -A && git -C "$tmp/a" commit -q -m "a store of $N secrets"
git init -q --bare "$tmp/remote.git"
git -C "$tmp/a" remote add origin "$tmp/remote.git"
(cd "$tmp/a" && "$cab" sync 2>/dev/null)
"$cab" clone "$tmp/remote.git" "$tmp/b" 2>/dev/null

# --- a. cabinet set vs git add && git commit --------------------------------
log "== a. cabinet set vs git add && git commit"
paths=$(cd "$tmp/a" && "$cab" ls --json | jq -r '.[0:400][].path')
mine=$(echo "$paths" | sed -n '1,200p' | tr '\n' ' ')
theirs=$(echo "$paths" | sed -n '201,400p' | tr '\n' ' ')
cat >"$tmp/set.sh" <<EOF
#!/usr/bin/env bash
# the next path of a round robin, set to a new value
set -e
i=\$(( \$(cat "$tmp/set.i" 2>/dev/null || echo 0) + 1 )); echo \$i >"$tmp/set.i"
p=\$(echo $mine | cut -d' ' -f\$(( (i % 200) + 1 )))
head -c 24 /dev/urandom | base64 | "$cab" --store "$tmp/a" set "\$p" >/dev/null 2>&1
EOF
cat >"$tmp/hand.sh" <<EOF
#!/usr/bin/env bash
# the next path of a round robin: its file edited, added and committed by hand
set -e
i=\$(( \$(cat "$tmp/hand.i" 2>/dev/null || echo 0) + 1 )); echo \$i >"$tmp/hand.i"
p=\$(echo $theirs | cut -d' ' -f\$(( (i % 200) + 1 )))
cd "$tmp/a"
echo "# edited \$i" >>"secrets/\$p.yaml"
git add "secrets/\$p.yaml" && git commit -q -m "edit \$p"
EOF
chmod +x "$tmp/set.sh" "$tmp/hand.sh"
hyperfine --style basic -N --warmup 2 --runs "$RUNS" --export-json "$tmp/set.json" \
	-n "cabinet set PATH (value from stdin)" "$tmp/set.sh" \
	-n "edit FILE; git add FILE && git commit" "$tmp/hand.sh" >&2
[ -z "$(git -C "$tmp/a" status --porcelain)" ] || die "cabinet set left the work tree dirty"
last=$(git -C "$tmp/a" log -1 --format=%s --author=Bench -- secrets audit)
log "last commit: $last"

# --- b. cabinet sync vs git pull ---------------------------------------------
log "== b. cabinet sync bringing in $CHANGED changed secrets vs git pull"
(cd "$tmp/a" && "$cab" sync 2>/dev/null)
(cd "$tmp/b" && "$cab" sync 2>/dev/null)
cp -a "$tmp/b" "$tmp/b.pristine"
for p in $(echo "$paths" | sed -n "1,${CHANGED}p"); do
	head -c 24 /dev/urandom | base64 | "$cab" --store "$tmp/a" set "$p" >/dev/null 2>&1
done
(cd "$tmp/a" && "$cab" sync 2>/dev/null)
restore="rm -rf '$tmp/b' && cp -a '$tmp/b.pristine' '$tmp/b'"
hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$restore" --export-json "$tmp/sync.json" \
	-n "cabinet sync ($CHANGED secrets came in)" "cd '$tmp/b' && '$cab' sync 2>/dev/null" \
	-n "git pull (the same commits)" "cd '$tmp/b' && git pull -q --no-rebase" >&2
eval "$restore"
(cd "$tmp/b" && "$cab" sync 2>/dev/null)
[ "$(git -C "$tmp/a" rev-parse HEAD)" = "$(git -C "$tmp/b" rev-parse HEAD)" ] || die "after sync the clones differ"

# --- the table ----------------------------------------------------------------
ms() { jq -r ".results[$2].$3 * 1000" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= 1.5 * b) ? "met" : "**missed**" }'; }
row() { # json i label target
	printf '| %s | %.1f ms ± %.1f | %.1f ms | %s |\n' "$3" "$(ms "$1" "$2" mean)" "$(ms "$1" "$2" stddev)" "$(ms "$1" "$2" min)" "$4"
}
echo
echo "Machine: $(nproc) cores, $(git --version), load $(cut -d' ' -f1-3 /proc/loadavg); $N secrets."
echo
echo "| command | mean | min | target |"
echo "| --- | --- | --- | --- |"
row "$tmp/set.json" 0 "cabinet set PATH" "≤ 1.5× by hand: $(ratio "$(ms "$tmp/set.json" 0 mean)" "$(ms "$tmp/set.json" 1 mean)") — $(verdict "$(ms "$tmp/set.json" 0 mean)" "$(ms "$tmp/set.json" 1 mean)")"
row "$tmp/set.json" 1 "by hand: edit, git add FILE && git commit" ""
row "$tmp/sync.json" 0 "cabinet sync, $CHANGED secrets in" "≤ 1.5× git pull: $(ratio "$(ms "$tmp/sync.json" 0 mean)" "$(ms "$tmp/sync.json" 1 mean)") — $(verdict "$(ms "$tmp/sync.json" 0 mean)" "$(ms "$tmp/sync.json" 1 mean)")"
row "$tmp/sync.json" 1 "git pull of the same commits" ""
