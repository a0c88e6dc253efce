#!/usr/bin/env bash
# bench/pipelines.sh: what cabinet costs a pipeline, against its targets,
# as a Markdown table on stdout (progress goes to stderr).
#
#   bench/pipelines.sh                 # from anywhere in the repository
#   N=20000 FILES=20000 bench/pipelines.sh
#   STRICT=1 bench/pipelines.sh        # exit 3 if a target is missed
#
# It builds ./cmd/cabinet as releases are built and ./bench/gen, makes a
# throw-away identity file (CABINET_IDENTITY_FILE: no OS keyring), generates
# a store of N secrets (default 10,000) and measures with hyperfine:
#   e. cabinet run -- true with 10 references in its environment, against
#      true run directly with the same environment: at most 10 ms more; and
#      with --no-masking, which gives CMD the terminal's own output
#   f. cabinet scan of FILES generated files of 4 KB (default 10,000)
#      against the values of the store (its current and previous values:
#      the audit line counts them), with --no-values (formats alone), and
#      gitleaks dir on the same tree (installed with go install into the
#      temporary folder when it is not on PATH; said when it cannot be):
#      under 2 s, and no slower than gitleaks
# Ten of the files hold a copy of a value inside a DSN: canaries the script
# stores with cabinet set first; the scan must name exactly those ten. No value is printed:
# every output goes to /dev/null or is counted.
set -euo pipefail

N=${N:-10000}
FILES=${FILES:-10000}
STRICT=${STRICT:-0}
GITLEAKS_VERSION=${GITLEAKS_VERSION:-v8.30.1}

log() { printf '%s\n' "$*" >&2; }
die() { log "pipelines.sh: $*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >&2
command -v jq >/dev/null || apt-get install -y -qq jq >&2
command -v hyperfine >/dev/null && command -v jq >/dev/null || die "hyperfine and jq are needed (apt-get install hyperfine jq)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cabinet-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
unset CABINET_IDENTITY CABINET_STORE CABINET_IDENTITY_FILE

log "== building"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/bin/cabinet" ./cmd/cabinet
go build -o "$tmp/bin/gen" ./bench/gen
cab="$tmp/bin/cabinet"
"$cab" identity new --file "$tmp/me.key" >/dev/null 2>&1
export CABINET_IDENTITY_FILE="$tmp/me.key"

log "== generating a store of $N secrets"
store="$tmp/store"
"$tmp/bin/gen" -n "$N" -dir "$store" -member me -seed 1 -q
export CABINET_STORE="$store"
mapfile -t readable < <("$cab" ls | awk '$4 == "ok" { print $1 }' | head -10)
[ "${#readable[@]}" = 10 ] || die "the store has fewer than 10 secrets with a value"

hf() { hyperfine --style basic --output null "$@" >&2; }
mean_ms() { jq -r ".results[$2].mean * 1000" "$1"; }
min_ms() { jq -r ".results[$2].min * 1000" "$1"; }

# --- e. cabinet run -- true with 10 references -------------------------------
log "== e. cabinet run -- true, 10 references"
for i in "${!readable[@]}"; do
	export "REF_$i=secret://${readable[$i]}"
done
"$cab" run -- sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do eval "v=\$REF_$i"; case $v in secret://*|"") exit 1;; esac; done' ||
	die "cabinet run did not give the job its 10 values"
# Three rounds of the three commands, so that load from elsewhere lands on
# all of them alike; the rounds' means are averaged.
for r in 1 2 3; do
	hf -N --warmup 10 --runs 200 --export-json "$tmp/run.$r.json" \
		-n "true (the same environment)" "true" \
		-n "cabinet run -- true" "'$cab' run -- true" \
		-n "cabinet run --no-masking -- true" "'$cab' run --no-masking -- true"
done
avg() { # index stat: the stat of result index, averaged over the rounds
	jq -s "map(.results[$1].$2) | add / length * 1000" "$tmp"/run.[123].json
}
true_ms=$(avg 0 mean)
run_ms=$(avg 1 mean)
nomask_ms=$(avg 2 mean)
run_min=$(avg 1 min)
true_min=$(avg 0 min)
for i in "${!readable[@]}"; do unset "REF_$i"; done

# --- f. cabinet scan -----------------------------------------------------------
log "== f. generating $FILES files of 4 KB"
tree="$tmp/tree"
mkdir -p "$tree"
# Config-like lines: names, numbers, hostnames, a digest now and then; no
# secret-shaped strings, so that what the scans report is what we planted.
awk -v dir="$tree" -v files="$FILES" 'BEGIN {
	srand(1)
	split("host port user timeout retries region bucket queue topic schema table batch_size workers log_level", keys, " ")
	for (f = 0; f < files; f++) {
		d = dir "/svc" int(f / 100)
		if (f % 100 == 0) system("mkdir -p " d)
		out = d "/config-" f ".yaml"
		size = 0
		while (size < 4096) {
			k = keys[1 + int(rand() * 14)]
			line = sprintf("%s_%d: %s-%d.internal.example %d", k, int(rand() * 1000), k, int(rand() * 90), int(rand() * 65536))
			print line > out
			size += length(line) + 1
		}
		close(out)
	}
}'
# Ten copies of a value inside a DSN. The values are canaries this script
# makes and stores, so that no value cabinet decrypts is written to disk.
for i in 0 1 2 3 4 5 6 7 8 9; do
	canary="bench-canary-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	printf '%s' "$canary" | "$cab" set "prod/bench/canary-$i" --owner bench >/dev/null
	mkdir -p "$tree/svc$i"
	printf 'DATABASE_URL=postgres://etl:%s@db.internal:5432/etl\n' "$canary" >"$tree/svc$i/leaked-$i.env"
done
unset canary
du_mb=$(du -sm --apparent-size "$tree" | cut -f1)

found=$("$cab" scan --json "$tree" 2>/dev/null | jq '[.[] | select(.kind == "known-value")] | length') || true
[ "$found" = 10 ] || die "cabinet scan found $found copies of values, want the 10 planted"
values=$(grep -ho '"detail":"scan: [^"]*' "$store"/audit/*.jsonl | tail -1 | sed 's/.*: //')

gitleaks=$(command -v gitleaks || true)
if [ -z "$gitleaks" ] && GOBIN="$tmp/bin" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION" >&2 2>"$tmp/gitleaks.err"; then
	gitleaks="$tmp/bin/gitleaks"
fi

log "== f. scanning $FILES files ($du_mb MB) against $values"
scan_cmds=(-n "cabinet scan ($values)" "'$cab' scan '$tree'"
	-n "cabinet scan --no-values" "'$cab' scan --no-values '$tree'")
if [ -n "$gitleaks" ]; then
	gl_version=$("$gitleaks" version 2>/dev/null || true)
	[[ "$gl_version" =~ ^v[0-9] ]] || gl_version=$GITLEAKS_VERSION # go install leaves it unset
	scan_cmds+=(-n "gitleaks dir ($gl_version)" "'$gitleaks' dir --no-banner --log-level error --exit-code 0 '$tree'")
fi
hf -N -i --warmup 1 --runs 5 --export-json "$tmp/scan.json" "${scan_cmds[@]}"
scan_ms=$(mean_ms "$tmp/scan.json" 0)
novalues_ms=$(mean_ms "$tmp/scan.json" 1)
gl_ms=$([ -n "$gitleaks" ] && mean_ms "$tmp/scan.json" 2 || echo "")

# --- the table ------------------------------------------------------------------
missed=0
verdict() { # ok?
	if [ "$1" = 1 ]; then echo "met"; else missed=1; echo "**missed**"; fi
}
over=$(jq -n "$run_ms - $true_ms")
over_min=$(jq -n "$run_min - $true_min")
run_ok=$(jq -n "if $over < 10 then 1 else 0 end")
scan_ok=$(jq -n "if $scan_ms < 2000 then 1 else 0 end")

printf '| measurement | time | target |\n| --- | --- | --- |\n'
printf '| e. `true`, run directly (mean of 3×200 runs) | %.1f ms | |\n' "$true_ms"
printf '| e. `cabinet run -- true`, 10 references | %.1f ms (+%.1f ms; fastest runs +%.1f ms) | +10 ms: %s |\n' "$run_ms" "$over" "$over_min" "$(verdict "$run_ok")"
printf '| e. `cabinet run --no-masking -- true` | %.1f ms | |\n' "$nomask_ms"
printf '| f. `cabinet scan`, %s files (%s MB), %s | %.0f ms | < 2 s: %s |\n' "$FILES" "$du_mb" "$values" "$scan_ms" "$(verdict "$scan_ok")"
printf '| f. `cabinet scan --no-values` | %.0f ms | |\n' "$novalues_ms"
if [ -n "$gl_ms" ]; then
	gl_ok=$(jq -n "if $scan_ms <= $gl_ms then 1 else 0 end")
	printf '| f. `gitleaks dir`, %s | %.0f ms | cabinet no slower: %s |\n' "$gl_version" "$gl_ms" "$(verdict "$gl_ok")"
else
	printf '| f. `gitleaks dir` | not installed: %s | |\n' "$(head -c 200 "$tmp/gitleaks.err" | tr '\n' ' ')"
fi
printf '\nLoad average during the run: %s (2 cores).\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
[ "$STRICT" = 1 ] && [ "$missed" = 1 ] && exit 3
exit 0
