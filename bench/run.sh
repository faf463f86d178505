#!/usr/bin/env bash
# bench/run.sh: glrun's benchmark suite, one entry point (issue 7).
#
# Builds glrun and the Go floor program with `go build`, starts `glrun sim
# serve` with 20 ms of injected latency per request, runs the six scenarios,
# prints a table and writes it, with the machine it ran on, to
# bench/RESULTS.md.
#
#   bench/run.sh                 # the full run (200 servers, 100,000 jobs; a few minutes on 2 cores)
#   bench/run.sh --quick         # 50 servers, 20,000 jobs: about a minute
#   bench/run.sh --servers 100 --jobs 50000 --out /tmp/RESULTS.md
#
# Needs go, curl and jq. It installs nothing, except jq through apt-get when
# jq is missing and it runs as root on a Debian/Ubuntu machine (it says so).
set -euo pipefail

cd "$(dirname "$0")/.."
servers=200
jobs=100000
out=bench/RESULTS.md
latency=20ms
timescale=600 # a 93 s simulated restart takes 155 ms
poll=1        # seconds, the same for glrun, the floor and the bash baseline

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --quick) servers=50 jobs=20000 ;;
    --servers) servers=${2:?--servers needs a number}; shift ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$servers" -lt 12 ]; then
  echo "bench/run.sh: --servers must be at least 12 (the demo lab group has 12)" >&2
  exit 2
fi

for tool in go curl; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is required" >&2; exit 2; }
done
if ! command -v jq >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench/run.sh: jq is missing; the bash baseline needs it: installing it with apt-get install -y jq" >&2
    apt-get install -y jq >&2 || { apt-get update >&2 && apt-get install -y jq >&2; }
  else
    echo "bench/run.sh: jq is required by the bash baseline (e.g. apt-get install jq)" >&2
    exit 2
  fi
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }
say "building glrun and the floor program ..."
go build -o "$work/glrun" .
go build -o "$work/floor" ./bench/floor
glrun=$work/glrun
floor=$work/floor

# start_sim NAME ARGS...: start `glrun sim serve` on a free port, logging
# requests to $work/NAME.log; sets $base.
start_sim() {
  local name=$1
  shift
  "$glrun" sim serve --addr 127.0.0.1:0 --request-log "$work/$name.log" \
    --faults "latency=$latency" --time-scale "$timescale" "$@" >"$work/$name.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do
    base=$(sed -n 's/^glrun simulator listening on //p' "$work/$name.out")
    [ -n "$base" ] && break
    sleep 0.1
  done
  [ -n "$base" ] || { cat "$work/$name.out" >&2; say "the simulator did not start"; exit 1; }
  : >>"$work/$name.log"
}

export GREENLAKE_CLIENT_ID=5f0c3b9e-7a1d-4e2b-9c8f-31d4a6b2e7c0     # the simulator's demo credential
export GREENLAKE_CLIENT_SECRET=9163c936b93911ee822c16e5bfc542a7

# measure LOG -- CMD...: run CMD once under `floor time`, then count the
# requests it made in LOG; prints "wall_ms rss_kb requests polls max_per_poll exit".
measure() {
  local log=$1
  shift 2
  local before after t p
  before=$(wc -l <"$log")
  t=$("$floor" time -- "$@" 2>>"$work/commands.err")
  after=$(wc -l <"$log")
  p=$(sed -n "$((before + 1)),${after}p" "$log" | "$floor" polls -timescale "$timescale" -gap 500ms)
  printf '%s %s %s %s %s %s\n' "$(jq .median_ms <<<"$t")" "$(jq .max_rss_kb <<<"$t")" \
    "$(jq .requests <<<"$p")" "$(jq .polls <<<"$p")" "$(jq .max_lists_per_poll <<<"$p")" "$(jq .exit <<<"$t")"
}

# --- scenarios 1 and 2: restart N servers and wait for all -----------------
say "scenario 1: restart $servers servers (sim: $latency latency, time scale $timescale) ..."
start_sim fleet --servers $((servers - 12))
fleet=$base
read -r g_ms _ g_req g_polls g_per g_exit < <(measure "$work/fleet.log" -- "$glrun" run -q --base-url "$fleet" bench/restart.star group=lab workers=16 poll=${poll}s)
read -r f_ms _ f_req _ _ f_exit < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" "$floor" restart -group lab -workers 16 -poll ${poll}s)
say "  glrun ${g_ms} ms, floor ${f_ms} ms; now the operators' baselines ..."
# The baselines an operator would write (bench/baseline/): bash with xargs -P
# (the same 16 workers) polling with one list per poll or with per-job GETs,
# and the PowerShell module's pattern (sequential creates, then one job at a
# time, a GET every poll; the module polls every 5 s, here every ${poll}s so
# that only the pattern differs).
read -r bl_ms _ bl_req _ _ bl_exit < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_xargs.sh lab "$poll" list 16)
read -r bg_ms _ bg_req _ _ bg_exit < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_xargs.sh lab "$poll" get 16)
read -r p_ms _ p_req _ _ p_exit < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_pwsh_pattern.sh lab "$poll")
for e in "$g_exit" "$f_exit" "$bl_exit" "$bg_exit" "$p_exit"; do
  [ "$e" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 1 command failed (exit $e)"; exit 1; }
done
# The physical floor: no client can see a restart finish before the job has
# run (90 s simulated) and one poll has seen it.
phys_ms=$(awk -v ts="$timescale" -v poll="$poll" 'BEGIN { printf "%.0f", 90000 / ts + poll * 1000 }')

# --- scenario 3: interpreter overhead ---------------------------------------
say "scenario 3: 10,000 builtin calls ..."
calls=$("$floor" calls -n 10000)
c_sl=$(jq .starlark_ns_per_call <<<"$calls")
c_go=$(jq .go_ns_per_call <<<"$calls")
c_over=$(jq .overhead_ns_per_call <<<"$calls")
e2e_n=$("$floor" time -runs 5 -- "$glrun" run -q --sim bench/calls.star n=10000 2>/dev/null | jq .median_ms)
e2e_0=$("$floor" time -runs 5 -- "$glrun" run -q --sim bench/calls.star n=0 2>/dev/null | jq .median_ms)

# --- scenario 4: replay of the longest cassette ------------------------------
say "scenario 4: replay of the longest cassette ..."
cassette=$(ls -S testdata/cassettes/*.yaml 2>/dev/null | head -n 1 || true)
r_ms="" r_note="no cassette under testdata/cassettes"
if [ -n "$cassette" ]; then
  case $(basename "$cassette" .yaml) in
    power_cycle) rargs=(runbooks/power_cycle.star group=prod-db batch=4 poll=1s) ;;
    firmware_update) rargs=(runbooks/firmware_update.star group=lab batch=5 poll=1s) ;;
    onboard_user) rargs=(runbooks/onboard_user.star) ;;
    *) rargs=() ;;
  esac
  if [ ${#rargs[@]} -gt 0 ]; then
    rt=$("$floor" time -runs 5 -- "$glrun" run -q --replay "$cassette" "${rargs[@]}" 2>/dev/null)
    r_ms=$(jq .median_ms <<<"$rt")
    r_note="$(basename "$cassette") ($(($(wc -c <"$cassette") / 1024)) KB, $(grep -c '^    - id:' "$cassette") interactions), exit $(jq .exit <<<"$rt")"
  else
    r_note="$(basename "$cassette"): this script does not know its runbook"
  fi
fi

# --- scenario 5: cold start ---------------------------------------------------
say "scenario 5: cold start ..."
v_ms=$("$floor" time -runs 11 -- "$glrun" version 2>/dev/null | jq .median_ms)
k_ms=$("$floor" time -runs 11 -- "$glrun" check runbooks/ 2>/dev/null | jq .median_ms)
nbooks=$(find runbooks -name '*.star' | wc -l)

# --- scenario 6: list N jobs ----------------------------------------------------
say "scenario 6: list $jobs jobs (seeding the simulator) ..."
start_sim jobs --jobs "$jobs"
read -r l_ms l_rss l_req _ _ l_exit < <(measure "$work/jobs.log" -- "$glrun" run -q --base-url "$base" bench/list_jobs.star)
[ "$l_exit" = 0 ] || { cat "$work/commands.err" >&2; say "scenario 6 failed"; exit 1; }

# --- the table --------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# ok A OP B: "met" when the number A compares to B as OP (<, <=, >=) says.
ok() {
  awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
    r = (op == "<") ? a + 0 < b + 0 : (op == "<=") ? a + 0 <= b + 0 : (op == ">=") ? a + 0 >= b + 0 : 0
    exit !r
  }' && echo met || echo MISSED
}
g_vs_f=$(ratio "$g_ms" "$f_ms")
bl_vs_g=$(ratio "$bl_ms" "$g_ms")
bg_vs_g=$(ratio "$bg_ms" "$g_ms")
p_vs_g=$(ratio "$p_ms" "$g_ms")
g_vs_phys=$(ratio "$g_ms" "$phys_ms")
per_limit=$(((servers + 999) / 1000))
e2e_per=$(awk -v a="$e2e_n" -v b="$e2e_0" 'BEGIN { printf "%.0f", (a - b) * 1e6 / 10000 }')
ms() { awk -v v="$1" 'BEGIN { printf "%.0f ms", v }'; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
{
  echo "# glrun benchmark results"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Machine: ${cpu:-unknown CPU}, $(nproc) cores,"
  echo "$(go version | sed 's/^go version //'), $(uname -sr). Simulator: \`glrun sim serve --faults latency=$latency"
  echo "--time-scale $timescale\` (a restart job takes 93 s simulated, 155 ms real); polls every ${poll}s everywhere."
  echo "Scale: $servers servers, $jobs jobs."
  echo
  echo "| # | scenario | measured | target | |"
  echo "|---|---|---|---|---|"
  echo "| 1 | restart $servers servers, wait for all: glrun runbook | $(ms "$g_ms"), $g_req requests | ≤ 1.15× floor | $(ok "$g_vs_f" "<=" 1.15) ($g_vs_f×) |"
  echo "| 1 | … Go floor (glapi, same 16 workers, same polling) | $(ms "$f_ms"), $f_req requests | | |"
  echo "| 1 | … physical floor (job run time + one poll) | $(ms "$phys_ms") | | glrun at ${g_vs_phys}× |"
  echo "| 1 | … bash + curl + jq, xargs -P 16, one list per poll | $(ms "$bl_ms"), $bl_req requests | glrun ≥ 3× faster | $(ok "$bl_vs_g" ">=" 3) (${bl_vs_g}×) |"
  echo "| 1 | … bash + curl + jq, xargs -P 16, a GET per job per poll | $(ms "$bg_ms"), $bg_req requests | glrun ≥ 3× faster | $(ok "$bg_vs_g" ">=" 3) (${bg_vs_g}×) |"
  echo "| 1 | … the PowerShell module's pattern (sequential creates and waits) | $(ms "$p_ms"), $p_req requests | | ${p_vs_g}× glrun |"
  echo "| 2 | wait_all on $servers running jobs | $g_per list request(s) per poll, $g_polls polls | ≤ ceil($servers/1000) = $per_limit | $(ok "$g_per" "<=" "$per_limit") |"
  echo "| 3 | 10,000 builtin calls (odata.eq), in process | Starlark $(printf '%.0f' "$c_sl") ns/call, Go $(printf '%.0f' "$c_go") ns/call: +$(printf '%.0f' "$c_over") ns | ≤ 20 µs over Go | $(ok "$c_over" "<=" 20000) |"
  echo "| 3 | … end to end (\`glrun run\`, n=10000 less n=0) | $e2e_per ns/call | | |"
  if [ -n "$r_ms" ]; then
    echo "| 4 | replay $r_note | $(ms "$r_ms") | < 300 ms | $(ok "$r_ms" "<" 300) |"
  else
    echo "| 4 | replay of the longest cassette | $r_note | < 300 ms | MISSED |"
  fi
  echo "| 5 | \`glrun version\` cold start (median of 11) | $(ms "$v_ms") | < 20 ms | $(ok "$v_ms" "<" 20) |"
  echo "| 5 | \`glrun check runbooks/\` ($nbooks files, median of 11) | $(ms "$k_ms") | < 200 ms | $(ok "$k_ms" "<" 200) |"
  echo "| 6 | list $jobs jobs (\`compute.jobs.list()\`) | $(ms "$l_ms"), $l_req requests, peak RSS $((l_rss / 1024)) MB | < 100 MB | $(ok "$l_rss" "<" 102400) |"
} >"$work/table.md"

cat "$work/table.md"
{
  cat "$work/table.md"
  if [ -f bench/NOTES.md ]; then
    echo
    cat bench/NOTES.md
  fi
} >"$out"
say "written to $out"
