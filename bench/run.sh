#!/usr/bin/env bash
# bench/run.sh: measure cabinet against the plain tools it replaces, and
# print a Markdown table on stdout (progress goes to stderr).
#
#   bench/run.sh               # from anywhere in the repository
#   N=20000 bench/run.sh       # a bigger store for ls/get
#   EVENTS=200000 bench/run.sh # a longer audit history in it
#   STRICT=1 bench/run.sh      # exit 3 if a target is missed
#   TMPDIR=/dev/shm bench/run.sh   # the stores on tmpfs
#
# It builds ./cmd/cabinet (as releases are built) and ./bench/gen, makes a
# throw-away identity file (cabinet identity new --file; CABINET_IDENTITY_FILE
# points at it, so no OS keyring is touched), generates a store of N secrets
# (default 10,000) with EVENTS audit events (default 100,000) and one of
# REKEY_N (default 1,000), and measures with hyperfine:
#   a. cabinet ls --json, warm (index cache present) and cold (cache
#      deleted), vs find secrets -name '*.yaml' -exec cat {} +; and, in the
#      same rounds, cabinet ls as a table and of a prefix (one system, about
#      1 % of the store) beside find secrets -name '*.yaml' alone (names,
#      what passage lists): ls must take at most 3 × that
#   b. cabinet get PATH vs age -d -i KEY on the same ciphertext (at most
#      1.3 ×), with the audit line each get appends to a long log
#   d. cabinet audit verify of EVENTS events (under 1 s), cabinet audit
#      report over N secrets and EVENTS events (under 2 s), and the last 30
#      days of the log as JSON
#   c. re-encrypting REKEY_N secrets to one more recipient:
#      cabinet scopes set '*' me new (after cabinet members add new KEY), vs a
#      per-file shell loop over the age command doing the same work.
# a and b alternate their commands over 3 rounds, merged, so that a burst
# of load from another process does not land on one side only.
# Everything lives in one temporary folder, removed on exit. No value is ever
# printed: outputs go to /dev/null, comparisons use cmp on pipes, and the age
# loop passes plaintext from age -d to age -e through a pipe only.
set -euo pipefail

N=${N:-10000}
EVENTS=${EVENTS:-100000}
REKEY_N=${REKEY_N:-1000}
AGE=${AGE:-/usr/bin/age}
STRICT=${STRICT:-0}

log() { printf '%s\n' "$*" >&2; }
die() { log "run.sh: $*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >&2
command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"
command -v jq >/dev/null || apt-get install -y -qq jq >&2
command -v jq >/dev/null || die "jq is missing (apt-get install jq)"
[ -x "$AGE" ] || die "age is missing at $AGE (apt-get install age, or set AGE=)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cabinet-bench.XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# Nothing from the caller's environment picks the store or the identity.
unset CABINET_IDENTITY CABINET_STORE CABINET_IDENTITY_FILE

load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
log "== building"
# Built as .goreleaser.yaml builds releases: static (CGO_ENABLED=0), which
# starts about 1 ms faster than a default cgo build's dynamically linked one.
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/bin/cabinet" ./cmd/cabinet
go build -o "$tmp/bin/gen" ./bench/gen
cab="$tmp/bin/cabinet"

"$cab" identity new --file "$tmp/me.key" >"$tmp/me.pub" 2>/dev/null
"$cab" identity new --file "$tmp/new.key" >"$tmp/new.pub" 2>/dev/null
export CABINET_IDENTITY_FILE="$tmp/me.key"
me_pub=$(cat "$tmp/me.pub")
new_pub=$(cat "$tmp/new.pub")

log "== generating a store of $N secrets and $EVENTS audit events"
big="$tmp/big"
"$tmp/bin/gen" -n "$N" -events "$EVENTS" -dir "$big" -member me -seed 1

# Commands' standard output goes to /dev/null (--output null); -N runs a
# command without a shell, for the short ones.
hf() { hyperfine --style basic --output null "$@" >&2; }

# hf_rounds OUT.json ROUNDS HYPERFINE-ARGS...: the same comparison ROUNDS
# times, merged into one hyperfine-style JSON. A burst of load from another
# process then spreads over both commands instead of biasing one.
hf_rounds() {
	local out=$1 rounds=$2 r
	shift 2
	for r in $(seq "$rounds"); do
		hf "$@" --export-json "$out.$r"
	done
	jq -s '{results: [range(0; .[0].results | length) as $i | [.[].results[$i]] as $rs
		| ($rs | map(.times) | add) as $t | ($t | add / length) as $m
		| {command: $rs[0].command, times: $t, mean: $m,
		   stddev: (if ($t | length) > 1 then ($t | map((. - $m) * (. - $m)) | add / (length - 1) | sqrt) else null end),
		   min: ($t | min), max: ($t | max),
		   user: ($rs | map(.user * (.times | length)) | add / ($t | length)),
		   system: ($rs | map(.system * (.times | length)) | add / ($t | length))}]}' "$out".[0-9]* >"$out"
}

# rows: one line per measurement, tab-separated: label, command, json file,
# index in the file.
rows=()
add_rows() { # json label... (one label per command in the file)
	local json=$1 i=0
	shift
	for label in "$@"; do
		rows+=("$label	$json	$i")
		i=$((i + 1))
	done
}

# --- a. ls --json vs find | cat --------------------------------------------
log "== a. cabinet ls --json vs find|cat ($N secrets)"
(cd "$big" && "$cab" ls --json >/dev/null) # builds the index cache
# A prefix of about 1 % of the store: one system of one team.
prefix=$(cd "$big" && "$cab" ls --json | jq -r '.[0].path | split("/")[:3] | join("/")')
prefix_n=$(cd "$big" && "$cab" ls --json "$prefix" | jq length)
(
	cd "$big"
	hf_rounds "$tmp/ls.json" 3 -N --warmup 2 --min-runs 10 --max-runs 10 \
		-n "cabinet ls --json > /dev/null" "'$cab' ls --json" \
		-n "find secrets -name '*.yaml' -exec cat {} + > /dev/null" "find secrets -name '*.yaml' -exec cat {} +" \
		-n "cabinet ls > /dev/null" "'$cab' ls" \
		-n "cabinet ls $prefix > /dev/null" "'$cab' ls $prefix" \
		-n "find secrets -name '*.yaml' > /dev/null" "find secrets -name '*.yaml'"
	hf -N --warmup 1 --min-runs 5 --max-runs 10 --prepare "rm -rf .cabinet/cache" --export-json "$tmp/lscold.json" \
		-n "rm -rf .cabinet/cache; cabinet ls --json > /dev/null" "'$cab' ls --json"
)
add_rows "$tmp/ls.json" "a. list, warm" "a. reference" "a. list as a table" "a. list a prefix ($prefix_n)" "a. names alone"
add_rows "$tmp/lscold.json" "a. list, cold (no index cache)"
# The listing is complete: every secret once.
count=$(cd "$big" && "$cab" ls --json | jq length)
[ "$count" = "$N" ] || die "cabinet ls --json listed $count secrets, want $N"

# --- b. get vs age -d --------------------------------------------------------
log "== b. cabinet get vs age -d"
path=$(cd "$big" && "$cab" ls | awk '$4 == "ok" && !p { print $1; p = 1 }')
[ -n "$path" ] || die "no secret with status ok in the store"
# The armored value of the current version, from the secret file.
awk '
	/^  - version:/ { cur = 0 }
	/^    state: current$/ { cur = 1 }
	cur && /^    value: [|]/ { inval = 1; next }
	inval && /^      / { print substr($0, 7); next }
	{ inval = 0 }
' "$big/secrets/$path.yaml" >"$tmp/value.age"
grep -q -- '-----END AGE ENCRYPTED FILE-----' "$tmp/value.age" || die "could not extract the value of $path"
cmp -s <(cd "$big" && "$cab" get "$path") <("$AGE" -d -i "$tmp/me.key" "$tmp/value.age") ||
	die "cabinet get and age -d disagree on $path"
(
	cd "$big"
	hf_rounds "$tmp/get.json" 3 -N --warmup 5 --min-runs 100 --max-runs 300 \
		-n "cabinet get $path > /dev/null" "'$cab' get '$path'" \
		-n "age -d -i KEY value.age > /dev/null" "'$AGE' -d -i '$tmp/me.key' '$tmp/value.age'"
)
add_rows "$tmp/get.json" "b. get one value" "b. reference"

# --- c. re-encrypt REKEY_N secrets to one more recipient -------------------
log "== c. re-encrypting $REKEY_N secrets to one more recipient"
pristine="$tmp/rekey.pristine"
work="$tmp/rekey"
"$tmp/bin/gen" -n "$REKEY_N" -dir "$pristine" -member me -seed 2 -q
values=$(cat "$pristine"/secrets/*/*/*/*.yaml | grep -c -- '-----BEGIN AGE ENCRYPTED FILE-----')
restore="rm -rf '$work' && cp -a '$pristine' '$work'"
hf --runs 5 --prepare "$restore && '$cab' --store '$work' members add new '$new_pub' 2>/dev/null" \
	--export-json "$tmp/rekey.json" \
	-n "cabinet scopes set '*' me new  (after: cabinet members add new KEY)" "'$cab' --store '$work' scopes set '*' me new 2>/dev/null"
add_rows "$tmp/rekey.json" "c. re-encrypt $REKEY_N secrets"
# The result: the new member reads a value, and nothing is left to re-encrypt.
one=$(cd "$work" && "$cab" ls | awk '$4 == "ok" && !p { print $1; p = 1 }')
CABINET_IDENTITY_FILE="$tmp/new.key" "$cab" --store "$work" get "$one" >/dev/null ||
	die "the new member cannot read $one after the re-encryption"
rekey_out=$("$cab" --store "$work" rekey 2>&1)
[[ "$rekey_out" == *"re-encrypted 0 of $REKEY_N secrets"* ]] || die "cabinet rekey found secrets left to re-encrypt: $rekey_out"

# The reference: one age -d | age -e pipeline per value, awk to take the
# values out of each file and put the new ones back, mv to replace it.
cat >"$tmp/age-loop.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
store=$1 key=$2 me=$3 new=$4 age=$5 w=$6
mkdir -p "$w"
find "$store/secrets" -name '*.yaml' | while read -r f; do
	rm -f "$w"/ct.* "$w"/new.*
	awk -v out="$w/ct" '
		/^    value: [|]/ { n++; f = out "." n; inval = 1; next }
		inval && /^      / { print substr($0, 7) > f; next }
		inval { close(f); inval = 0 }
	' "$f"
	for ct in "$w"/ct.*; do
		[ -e "$ct" ] || continue
		"$age" -d -i "$key" "$ct" | "$age" -e -a -r "$me" -r "$new" >"$w/new.${ct##*.}"
	done
	awk -v out="$w/new" '
		/^    value: [|]/ { print; n++; f = out "." n; while ((getline l < f) > 0) print "      " l; close(f); skip = 1; next }
		skip && /^      / { next }
		{ skip = 0; print }
	' "$f" >"$f.tmp"
	mv "$f.tmp" "$f"
done
EOF
chmod 700 "$tmp/age-loop.sh"
log "== c. reference: the age command in a shell loop (one run)"
hf --runs 1 --prepare "$restore" --export-json "$tmp/loop.json" \
	-n "per-file loop: age -d | age -e -a -r ME -r NEW, awk, mv" \
	"'$tmp/age-loop.sh' '$work' '$tmp/me.key' '$me_pub' '$new_pub' '$AGE' '$tmp/loopwork'"
add_rows "$tmp/loop.json" "c. reference"
one_file=$(find "$work/secrets" -name '*.yaml' -print -quit)
awk '/^    value: [|]/ { inval = 1; next } inval && /^      / { print substr($0, 7); next } inval { exit }' "$one_file" >"$tmp/check.age"
"$AGE" -d -i "$tmp/new.key" "$tmp/check.age" >/dev/null || die "the age loop left a value the new member cannot read"

# --- d. the audit log -------------------------------------------------------
log "== d. cabinet audit verify, report and listing ($EVENTS events)"
(
	cd "$big"
	"$cab" audit verify >/dev/null || die "audit verify fails on the generated store"
	hf -N --warmup 1 --runs 10 --export-json "$tmp/audit.json" \
		-n "cabinet audit verify > /dev/null" "'$cab' audit verify" \
		-n "cabinet audit report --since 30d --format md > /dev/null" "'$cab' audit report --since 30d --format md" \
		-n "cabinet audit --since 30d --json > /dev/null" "'$cab' audit --since 30d --json"
)
add_rows "$tmp/audit.json" "d. verify $EVENTS events" "d. report, $N secrets" "d. 30 days of the log"

load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# --- the table ---------------------------------------------------------------
# ms JSON INDEX FIELD: a hyperfine result field in milliseconds.
ms() { jq -r ".results[$2].$3 // 0 | . * 1000" "$1"; }
fmt() { awk -v v="$1" 'BEGIN { if (v >= 1000) printf "%.2f s", v / 1000; else if (v >= 100) printf "%.0f ms", v; else printf "%.1f ms", v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# Each target is judged on the mean; on a loaded machine the minimum is the
# better estimate of the uncontended cost, so it is shown too.
judge() { # mean_ok min_ok
	if [ "$1" = 1 ]; then
		echo "met"
	elif [ "$2" = 1 ]; then
		echo "**missed** on the mean, met on the minimum"
	else
		echo "**missed**"
	fi
}
ok() { if le "$@"; then echo 1; else echo 0; fi; }

ls_mean=$(ms "$tmp/ls.json" 0 mean) ls_min=$(ms "$tmp/ls.json" 0 min)
find_mean=$(ms "$tmp/ls.json" 1 mean) find_min=$(ms "$tmp/ls.json" 1 min)
get_mean=$(ms "$tmp/get.json" 0 mean) get_min=$(ms "$tmp/get.json" 0 min)
age_mean=$(ms "$tmp/get.json" 1 mean) age_min=$(ms "$tmp/get.json" 1 min)
rekey_mean=$(ms "$tmp/rekey.json" 0 mean) rekey_min=$(ms "$tmp/rekey.json" 0 min)
t_ls="no slower than find + cat: $(ratio "$ls_mean" "$find_mean") (min $(ratio "$ls_min" "$find_min")) — $(judge "$(ok "$ls_mean" "$find_mean")" "$(ok "$ls_min" "$find_min")")"
names_mean=$(ms "$tmp/ls.json" 4 mean) names_min=$(ms "$tmp/ls.json" 4 min)
third() { awk -v b="$1" 'BEGIN { print 3 * b }'; }
t_find3() { # INDEX: a listing against 3 × find alone
	local m n
	m=$(ms "$tmp/ls.json" "$1" mean) n=$(ms "$tmp/ls.json" "$1" min)
	echo "≤ 3× find alone: $(ratio "$m" "$names_mean") (min $(ratio "$n" "$names_min")) — $(judge "$(ok "$m" "$(third "$names_mean")")" "$(ok "$n" "$(third "$names_min")")")"
}
t_json3=$(t_find3 0) t_table3=$(t_find3 2)
t_get="≤ 1.3× age -d: $(ratio "$get_mean" "$age_mean") (min $(ratio "$get_min" "$age_min")) — $(judge "$(ok "$get_mean" "$(awk -v b="$age_mean" 'BEGIN { print 1.3 * b }')")" "$(ok "$get_min" "$(awk -v b="$age_min" 'BEGIN { print 1.3 * b }')")")"
under() { # INDEX LIMIT_MS
	echo "< $(fmt "$2") — $(judge "$(ok "$(ms "$tmp/audit.json" "$1" mean)" "$2")" "$(ok "$(ms "$tmp/audit.json" "$1" min)" "$2")")"
}
t_verify=$(under 0 1000) t_report=$(under 1 2000)
t_rekey="< 1 s on 2 cores — $(judge "$(ok "$rekey_mean" 999.999)" "$(ok "$rekey_min" 999.999)")"

target_of() {
	case $1 in
	"a. list, warm") echo "$t_ls; $t_json3" ;;
	"a. list as a table") echo "$t_table3" ;;
	"b. get one value") echo "$t_get" ;;
	"c. re-encrypt"*) echo "$t_rekey" ;;
	"d. verify"*) echo "$t_verify" ;;
	"d. report"*) echo "$t_report" ;;
	*) echo "" ;;
	esac
}

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(go version | cut -d' ' -f3-), $(uname -sr); store in $(df -PT "$tmp" | awk 'NR == 2 { print $2 }') ($tmp); load average $load_start at start, $load_end at end."
echo "Stores: $N secrets and $EVENTS audit events (a, b, d) and $REKEY_N secrets holding $values values (c), from bench/gen."
echo
echo "| measurement | command | mean ± σ | min … max | user + sys | runs | target |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
	IFS=$'\t' read -r label json i <<<"$row"
	cmd=$(jq -r ".results[$i].command" "$json")
	runs=$(jq -r ".results[$i].times | length" "$json")
	spread="± $(fmt "$(ms "$json" "$i" stddev)")"
	[ "$runs" -gt 1 ] || spread="(one run)"
	printf '| %s | `%s` | %s %s | %s … %s | %s + %s | %s | %s |\n' "$label" "${cmd//|/\\|}" \
		"$(fmt "$(ms "$json" "$i" mean)")" "$spread" \
		"$(fmt "$(ms "$json" "$i" min)")" "$(fmt "$(ms "$json" "$i" max)")" \
		"$(fmt "$(ms "$json" "$i" user)")" "$(fmt "$(ms "$json" "$i" system)")" \
		"$runs" "$(target_of "$label")"
done

if [ "$STRICT" = 1 ] && [[ "$t_ls$t_json3$t_table3$t_get$t_rekey$t_verify$t_report" == *missed* ]]; then
	log "run.sh: a target was missed"
	exit 3
fi
