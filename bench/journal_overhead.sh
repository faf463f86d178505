#!/usr/bin/env bash
# bench/journal_overhead.sh: what journalling a live run costs (docs/journal.md).
#
# Starts `glrun sim serve` (20 ms of latency per request, as bench/run.sh
# does) with a fleet of N servers and restarts all of them with
# bench/restart.star, alternately with the journal (the default, in a
# scratch --state-dir) and with --no-journal, R times each; prints the
# median wall time of each and their ratio.
#
#   bench/journal_overhead.sh                      # 200 servers, 5 runs each
#   bench/journal_overhead.sh --servers 50 --runs 3
#   bench/journal_overhead.sh --latency 100ms     # closer to GreenLake's own
#
# Needs go. Installs nothing.
set -euo pipefail

cd "$(dirname "$0")/.."
servers=200
runs=5
latency=20ms
timescale=600
poll=1

while [ $# -gt 0 ]; do
  case $1 in
    --servers) servers=${2:?--servers needs a number}; shift ;;
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --latency) latency=${2:?--latency needs a duration}; shift ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/journal_overhead.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$servers" -lt 12 ]; then
  echo "bench/journal_overhead.sh: --servers must be at least 12 (the demo lab group has 12)" >&2
  exit 2
fi

work=$(mktemp -d)
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "building glrun ..." >&2
go build -o "$work/glrun" .
glrun=$work/glrun

"$glrun" sim serve --addr 127.0.0.1:0 --faults "latency=$latency" --time-scale "$timescale" \
  --servers $((servers - 12)) >"$work/sim.out" 2>&1 &
sim_pid=$!
base=""
for _ in $(seq 1 600); do
  base=$(sed -n 's/^glrun simulator listening on //p' "$work/sim.out")
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || { cat "$work/sim.out" >&2; echo "the simulator did not start" >&2; exit 1; }

export GREENLAKE_CLIENT_ID=5f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0 # the simulator's demo credential
export GREENLAKE_CLIENT_SECRET=9163c936b93911ee822c16e5bfc542a7

# once FLAG: one restart of every server; prints its wall time in ms.
once() {
  local t0 t1
  t0=$(date +%s%N)
  "$glrun" run -q --base-url "$base" --state-dir "${STATE_DIR:-$work/state}" "$@" \
    bench/restart.star group=lab workers=16 poll=${poll}s >/dev/null 2>>"$work/err" ||
    { cat "$work/err" >&2; echo "a run failed" >&2; exit 1; }
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "restarting $servers servers, $runs times with the journal and $runs without, alternately ..." >&2
on=() off=()
for i in $(seq 1 "$runs"); do
  on+=("$(once)")
  off+=("$(once --no-journal)")
  echo "  run $i: journal ${on[-1]} ms, --no-journal ${off[-1]} ms" >&2
done
m_on=$(printf '%s\n' "${on[@]}" | median)
m_off=$(printf '%s\n' "${off[@]}" | median)
changes=$(grep -Hc '"kind":"intent"' "$work"/state/*/journal.jsonl | awk -F: '{ s += $2 } END { print s / NR }')
printf 'journal overhead, restart %d servers (%s changes journalled a run): journal %s ms, --no-journal %s ms (medians of %d): ratio %s\n' \
  "$servers" "$changes" "$m_on" "$m_off" "$runs" "$(awk -v a="$m_on" -v b="$m_off" 'BEGIN { printf "%.3f", a / b }')"
