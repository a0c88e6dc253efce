#!/usr/bin/env bash
# bench/tui.sh: the workbench's start-up and memory on large stores, as a
# person sees them: the real binary in a 120x40 tmux pane. Prints a Markdown
# table on stdout (progress goes to stderr).
#
#   bench/tui.sh                 # 10,000 secrets for start-up, 100,000 for memory
#   RUNS=20 bench/tui.sh         # more start-ups per measure
#   N_START=20000 N_MEM=50000 bench/tui.sh
#
# a. first full screen: from just before tmux starts the program until the
#    pane shows the filled inventory ("N secrets" and the key footer),
#    polled every few milliseconds; RUNS starts with the listing index warm
#    (as after any earlier cabinet command), RUNS with it deleted (cold).
# b. memory: the program's peak resident set (VmHWM) after it has shown
#    N_MEM secrets and a filter has been typed, read from /proc; with the
#    listing index warm, then without it (every file parsed).
# Typing speed is the Go benchmark BenchmarkFilterKeystroke100k in tui/.
# No value is ever shown or printed: the identity is a throw-away file.
set -euo pipefail

N_START=${N_START:-10000}
N_MEM=${N_MEM:-100000}
RUNS=${RUNS:-10}

log() { printf '%s\n' "$*" >&2; }
die() { log "tui.sh: $*"; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v tmux >/dev/null || apt-get install -y -qq tmux >&2
command -v tmux >/dev/null || die "tmux is missing (apt-get install tmux)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cabinet-tui-bench.XXXXXX")
sock="$tmp/tmux.sock"
cleanup() { tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
unset CABINET_IDENTITY CABINET_STORE CABINET_IDENTITY_FILE

log "== building"
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o "$tmp/bin/cabinet" ./cmd/cabinet
go build -o "$tmp/bin/gen" ./bench/gen
cab="$tmp/bin/cabinet"
"$cab" identity new --file "$tmp/me.key" >/dev/null 2>&1
export CABINET_IDENTITY_FILE="$tmp/me.key"

printf 'set -g status off\nset -g default-terminal "xterm-256color"\nset -sg escape-time 0\n' >"$tmp/tmux.conf"
TERM=xterm-256color tmux -S "$sock" -f "$tmp/tmux.conf" -D </dev/null >/dev/null 2>&1 &
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
t() { tmux -S "$sock" "$@"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# start STORE: runs cabinet on STORE in a new 120x40 window named w.
start() {
	t new-session -d -s w -x 120 -y 40 -- env TERM=xterm-256color \
		CABINET_IDENTITY_FILE="$CABINET_IDENTITY_FILE" CABINET_STORE="$1" "$cab"
}
stop() { t kill-session -t w 2>/dev/null || true; }

# first_screen STORE N: milliseconds until the pane shows N secrets listed.
first_screen() {
	local t0 shown
	t0=$(now_ms)
	start "$1"
	until t capture-pane -p -t w 2>/dev/null | grep -q "^$2 secrets · / to filter"; do
		[ $(($(now_ms) - t0)) -lt 20000 ] || { t capture-pane -p -t w >&2; die "no full screen after 20 s"; }
	done
	shown=$(($(now_ms) - t0))
	t capture-pane -p -t w | grep -q 'enter open' || die "the footer is missing"
	stop
	echo "$shown"
}

# stats MS...: median, min and max.
stats() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {printf "%d ms (min %d, max %d, %d runs)", a[int((NR + 1) / 2)], a[1], a[NR], NR}'; }

gen() { # N DIR
	log "== generating $1 secrets"
	"$tmp/bin/gen" -n "$1" -dir "$2" -member me -q
	(cd "$2" && "$cab" ls --json >/dev/null) # the listing index, as any command leaves it
}

gen "$N_START" "$tmp/start"
log "== a. first full screen, $N_START secrets, $RUNS runs warm and cold"
first_screen "$tmp/start" "$N_START" >/dev/null # the page cache, as on a machine in use
warm=() cold=()
for _ in $(seq "$RUNS"); do
	warm+=("$(first_screen "$tmp/start" "$N_START")")
	rm -rf "$tmp/start/.cabinet/cache"
	cold+=("$(first_screen "$tmp/start" "$N_START")")
done

# memory STORE N: sets shown_ms, hwm and rss: the time to the full screen,
# then the peak and current resident set after filtering.
memory() {
	local t0 pid
	start "$1"
	t0=$(now_ms)
	until t capture-pane -p -t w | grep -q "^$2 secrets · / to filter"; do
		[ $(($(now_ms) - t0)) -lt 120000 ] || die "no full screen after 120 s"
		sleep 0.05
	done
	shown_ms=$(($(now_ms) - t0))
	pid=$(t display-message -p -t w '#{pane_pid}')
	t send-keys -t w /
	sleep 0.2
	for c in p r o d; do t send-keys -t w -l "$c"; sleep 0.1; done
	sleep 0.5
	t capture-pane -p -t w | grep -q "/prod" || die "the filter did not show"
	hwm=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
	rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
	stop
}

gen "$N_MEM" "$tmp/mem"
log "== b. memory with $N_MEM secrets, warm index then cold"
memory "$tmp/mem" "$N_MEM"
mem_screen=$shown_ms mem_hwm=$hwm mem_rss=$rss
rm -rf "$tmp/mem/.cabinet/cache"
memory "$tmp/mem" "$N_MEM"
cold_screen=$shown_ms cold_hwm=$hwm cold_rss=$rss

load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<EOF
| what | measured | target |
| --- | --- | --- |
| first full screen, $N_START secrets, warm index | $(stats "${warm[@]}") | 300 ms |
| first full screen, $N_START secrets, cold (no index) | $(stats "${cold[@]}") | — |
| first full screen, $N_MEM secrets, warm index | $mem_screen ms (1 run) | — |
| first full screen, $N_MEM secrets, cold (no index) | $cold_screen ms (1 run) | — |
| peak memory (VmHWM), $N_MEM secrets, warm index, after filtering | $mem_hwm MB (resident now: $mem_rss MB) | 200 MB |
| peak memory (VmHWM), $N_MEM secrets, cold (no index), after filtering | $cold_hwm MB (resident now: $cold_rss MB) | 200 MB |

$(nproc) cores, load $load, $(date -u +%Y-%m-%d).
EOF
