#!/usr/bin/env bash
# bench/run.sh: glrun's benchmark suite, one entry point.
#
# Builds glrun and the Go floor program with `go build`, starts `glrun sim
# serve` with 20 ms of injected latency per request, runs the scenarios,
# prints a table and writes it, with the machine it ran on, to
# bench/RESULTS.md.
#
#   bench/run.sh                 # the full run (200 servers, fleets of 1,000 and 5,000, 100,000 jobs; about 4 min on 2 cores)
#   bench/run.sh --quick         # 50 servers, a fleet of 1,000 (no bash baselines), 20,000 jobs: under a minute
#   bench/run.sh --servers 100 --scale "1000 2000" --jobs 50000 --out /tmp/RESULTS.md
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

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
scale="1000 5000" # fleet sizes of the scale scenario
baseline_max=1000 # the bash baselines run at fleet sizes up to this only
notice_runs=5     # one-job restarts measured for the time to notice
journal_runs=5    # paired runs with and without the journal
restart_runs=3    # alternating runs of scenario 1's glrun, floor and bash scripts
while [ $# -gt 0 ]; do
  case $1 in
    --quick) servers=50 jobs=20000 scale=1000 baseline_max=0 notice_runs=3 journal_runs=3 restart_runs=1 ;;
    --scale) scale=${2:?--scale needs fleet sizes, such as "1000 5000"}; shift ;;
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
# ratio A B: A / B to three decimals; a verdict compares the ratio it shows, so
# 1.053 is never shown as a 1.05 that meets "≤ 1.05".
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
# ok A OP B: "met" when the number A compares to B as OP (<, <=, >=) says.
ok() {
  awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
    r = (op == "<") ? a + 0 < b + 0 : (op == "<=") ? a + 0 <= b + 0 : (op == ">=") ? a + 0 >= b + 0 : 0
    exit !r
  }' && echo met || echo MISSED
}
ms() { awk -v v="$1" 'BEGIN { printf "%.0f ms", v }'; }
# median N...: the middle value (the lower middle of an even count).
median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
say "building glrun and the floor program ..."
go build -o "$work/glrun" .
go build -o "$work/floor" ./bench/floor
go build -o "$work/checkfloor" ./bench/checkfloor
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
# requests it made in LOG (its lines are left in $work/last.log); prints
# "wall_ms rss_kb requests polls max_per_poll exit cpu_ms".
measure() {
  local log=$1
  shift 2
  local before after t p
  before=$(wc -l <"$log")
  t=$("$floor" time -- "$@" 2>>"$work/commands.err")
  after=$(wc -l <"$log")
  sed -n "$((before + 1)),${after}p" "$log" >"$work/last.log"
  p=$("$floor" polls -gap 500ms <"$work/last.log")
  printf '%s %s %s %s %s %s %s\n' "$(jq .median_ms <<<"$t")" "$(jq .max_rss_kb <<<"$t")" \
    "$(jq .requests <<<"$p")" "$(jq .polls <<<"$p")" "$(jq .max_lists_per_poll <<<"$p")" "$(jq .exit <<<"$t")" \
    "$(jq .cpu_ms <<<"$t")"
}

# notice_of LOG BASE: the time to notice of the run whose request lines are
# in LOG, against the simulator at BASE; prints "median_ms p95_ms jobs".
notice_of() {
  local n
  n=$(GREENLAKE_BASE_URL=$2 "$floor" notice -timescale "$timescale" <"$1")
  printf '%.0f %.0f %s\n' "$(jq .median_ms <<<"$n")" "$(jq .p95_ms <<<"$n")" "$(jq .jobs <<<"$n")"
}

# --- scenarios 1 and 2: restart N servers and wait for all -----------------
say "scenario 1: restart $servers servers (sim: $latency latency, time scale $timescale) ..."
start_sim fleet --servers $((servers - 12))
fleet=$base
# The baselines an operator would write (bench/baseline/): bash with xargs -P
# (the same 16 workers) polling with one list per poll or with per-job GETs,
# and the PowerShell module's pattern (sequential creates, then one job at a
# time, a GET every poll; the module polls every 5 s, here every ${poll}s so
# that only the pattern differs). glrun, the floor and the two bash scripts
# run $restart_runs times, alternating, and each reports its median: a
# single run moves by 5 to 10% here. The PowerShell pattern runs once.
gs=() fs=() bls=() bgs=()
for round in $(seq 1 "$restart_runs"); do
  read -r g_ms _ g_req g_polls g_per g_exit _ < <(measure "$work/fleet.log" -- "$glrun" run -q --base-url "$fleet" bench/restart.star group=lab workers=16 poll=${poll}s)
  read -r f_ms _ f_req _ _ f_exit _ < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" "$floor" restart -group lab -workers 16 -poll ${poll}s)
  read -r bl_ms _ bl_req _ _ bl_exit _ < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_xargs.sh lab "$poll" list 16)
  read -r bg_ms _ bg_req _ _ bg_exit _ < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_xargs.sh lab "$poll" get 16)
  for e in "$g_exit" "$f_exit" "$bl_exit" "$bg_exit"; do
    [ "$e" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 1 command failed (exit $e)"; exit 1; }
  done
  say "  round $round: glrun ${g_ms} ms, floor ${f_ms} ms, bash (list) ${bl_ms} ms, bash (get) ${bg_ms} ms"
  gs+=("$g_ms") fs+=("$f_ms") bls+=("$bl_ms") bgs+=("$bg_ms")
done
g_ms=$(median "${gs[@]}") f_ms=$(median "${fs[@]}") bl_ms=$(median "${bls[@]}") bg_ms=$(median "${bgs[@]}")
read -r p_ms _ p_req _ _ p_exit _ < <(measure "$work/fleet.log" -- env GREENLAKE_BASE_URL="$fleet" bench/baseline/restart_pwsh_pattern.sh lab "$poll")
[ "$p_exit" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 1 command failed (exit $p_exit)"; exit 1; }
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
# The yardstick: a Go hello world built here, by the same toolchain.
mkdir -p "$work/hello"
printf 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n' >"$work/hello/main.go"
printf 'module hello\n\ngo 1.22\n' >"$work/hello/go.mod"
(cd "$work/hello" && go build -o hello .)
# A second yardstick: the same hello world linking what any Go HTTPS client
# links (net/http, crypto/tls, encoding/json), which glrun cannot do without.
mkdir -p "$work/hellonet"
printf 'package main\n\nimport (\n\t_ "crypto/tls"\n\t_ "encoding/json"\n\t"fmt"\n\t_ "net/http"\n)\n\nfunc main() { fmt.Println("hello") }\n' >"$work/hellonet/main.go"
printf 'module hellonet\n\ngo 1.22\n' >"$work/hellonet/go.mod"
(cd "$work/hellonet" && go build -o hellonet .)
# Alternate the three, 21 runs each in 3 rounds, and take the median of the
# rounds' medians (the machine is shared).
# The Go floor of `glrun check` (bench/checkfloor) parses and resolves the
# same files with go.starlark.net alone: the least any Go checker must do.
# Each command's time is its best run: on a shared machine a start of a few
# milliseconds is easily doubled by others' work, and the best run is the
# one nothing else slowed down.
hs=() hns=() vs=() ks=() kfs=()
for _ in 1 2 3; do
  hs+=("$("$floor" time -runs 7 -- "$work/hello/hello" 2>/dev/null | jq .min_ms)")
  hns+=("$("$floor" time -runs 7 -- "$work/hellonet/hellonet" 2>/dev/null | jq .min_ms)")
  vs+=("$("$floor" time -runs 7 -- "$glrun" version 2>/dev/null | jq .min_ms)")
  ks+=("$("$floor" time -runs 7 -- "$glrun" check runbooks/ 2>/dev/null | jq .min_ms)")
  kfs+=("$("$floor" time -runs 7 -- "$work/checkfloor" runbooks/ 2>/dev/null | jq .min_ms)")
done
least() { printf '%s\n' "$@" | sort -g | head -n 1; }
h_ms=$(least "${hs[@]}")
hn_ms=$(least "${hns[@]}")
v_ms=$(least "${vs[@]}")
k_ms=$(least "${ks[@]}")
kf_ms=$(least "${kfs[@]}")
nbooks=$(find runbooks -name '*.star' | wc -l)

# --- scenario 7: restarts at fleet scale --------------------------------------
scale_max=$(printf '%s\n' $scale | sort -n | tail -n 1)
say "scenario 7: restarts in a fleet of $scale_max servers (runs at $scale) ..."
start_sim scale --servers $((scale_max - 12))
scale_base=$base
scale_rows=()
for n in $scale; do
  # glrun and the two floors alternate $restart_runs times; wall and CPU
  # times are their medians (requests and peak RSS are the last run's).
  # glrun also runs with --no-journal: the floor makes nothing durable, and
  # that row shows what the journal's fsyncs cost at this scale.
  sgs=() sgc=() sfs=() sfc=() sns=() snc=() sjs=() sjc=()
  for round in $(seq 1 "$restart_runs"); do
    say "  $n servers, round $round: glrun, glrun --no-journal, the floor, the floor without rate limit ..."
    read -r sg_ms sg_rss sg_req sg_polls sg_per sg_exit sg_cpu < <(measure "$work/scale.log" -- "$glrun" run -q --base-url "$scale_base" bench/restart.star group=lab workers=16 poll=${poll}s count="$n")
    if [ "$n" = 1000 ] && [ "$round" = 1 ]; then
      read -r n1k_med n1k_p95 n1k_jobs < <(notice_of "$work/last.log" "$scale_base")
    fi
    read -r sj_ms sj_rss sj_req _ sj_per sj_exit sj_cpu < <(measure "$work/scale.log" -- "$glrun" run -q --no-journal --base-url "$scale_base" bench/restart.star group=lab workers=16 poll=${poll}s count="$n")
    [ "$sj_exit" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 7 command failed (exit $sj_exit)"; exit 1; }
    sjs+=("$sj_ms") sjc+=("$sj_cpu")
    read -r sf_ms sf_rss sf_req _ sf_per sf_exit sf_cpu < <(measure "$work/scale.log" -- env GREENLAKE_BASE_URL="$scale_base" "$floor" restart -group lab -count "$n" -workers 16 -poll ${poll}s)
    read -r sn_ms sn_rss sn_req _ sn_per sn_exit sn_cpu < <(measure "$work/scale.log" -- env GREENLAKE_BASE_URL="$scale_base" "$floor" restart -group lab -count "$n" -workers 16 -poll ${poll}s -no-rate-limit)
    for e in "$sg_exit" "$sf_exit" "$sn_exit"; do
      [ "$e" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 7 command failed (exit $e)"; exit 1; }
    done
    sgs+=("$sg_ms") sgc+=("$sg_cpu") sfs+=("$sf_ms") sfc+=("$sf_cpu") sns+=("$sn_ms") snc+=("$sn_cpu")
  done
  sg_ms=$(median "${sgs[@]}") sg_cpu=$(median "${sgc[@]}")
  sf_ms=$(median "${sfs[@]}") sf_cpu=$(median "${sfc[@]}")
  sn_ms=$(median "${sns[@]}") sn_cpu=$(median "${snc[@]}")
  sj_ms=$(median "${sjs[@]}") sj_cpu=$(median "${sjc[@]}")
  per_lim=$(((n + 999) / 1000))
  row() { # row LABEL MS CPU RSS REQ [PER]
    printf '| 7 | %s | %s wall, %s CPU, %s MB peak, %s requests%s |' "$1" "$(ms "$2")" "$(ms "$3")" "$(($4 / 1024))" "$5" "${6:+, ≤ $6 list(s) per poll}"
  }
  # The wall-time target (1.05x the floor) is set at 5,000 servers; smaller
  # fleets report the ratio without one.
  if [ "$n" -ge 5000 ]; then
    floor_target="≤ 1.05× floor, " floor_verdict="$(ok "$(ratio "$sg_ms" "$sf_ms")" "<=" 1.05) "
  else
    floor_target="" floor_verdict="no wall-time target below 5,000 servers: "
  fi
  scale_rows+=("$(row "restart $n servers: glrun runbook" "$sg_ms" "$sg_cpu" "$sg_rss" "$sg_req" "$sg_per") ${floor_target}≤ $per_lim list/poll | ${floor_verdict}($(ratio "$sg_ms" "$sf_ms")× floor, $(ratio "$sg_ms" "$sn_ms")× floor without limiter); lists/poll $(ok "$sg_per" "<=" "$per_lim") |")
  scale_rows+=("$(row "… glrun runbook, --no-journal" "$sj_ms" "$sj_cpu" "$sj_rss" "$sj_req" "$sj_per") | $(ratio "$sj_ms" "$sf_ms")× floor; the journal costs $(ratio "$sg_ms" "$sj_ms")× |")
  scale_rows+=("$(row "… Go floor (glapi, 16 workers)" "$sf_ms" "$sf_cpu" "$sf_rss" "$sf_req" "$sf_per") | |")
  scale_rows+=("$(row "… Go floor, rate limiter off" "$sn_ms" "$sn_cpu" "$sn_rss" "$sn_req" "$sn_per") | floor with limiter at $(ratio "$sf_ms" "$sn_ms")× |")
  if [ "$n" -le "$baseline_max" ]; then
    say "  $n servers: the bash baselines (xargs -P 16, list and get) ..."
    read -r sl_ms sl_rss sl_req _ _ sl_exit sl_cpu < <(measure "$work/scale.log" -- env GREENLAKE_BASE_URL="$scale_base" bench/baseline/restart_xargs.sh lab "$poll" list 16 "$n")
    read -r sb_ms sb_rss sb_req _ _ sb_exit sb_cpu < <(measure "$work/scale.log" -- env GREENLAKE_BASE_URL="$scale_base" bench/baseline/restart_xargs.sh lab "$poll" get 16 "$n")
    for e in "$sl_exit" "$sb_exit"; do
      [ "$e" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 7 baseline failed (exit $e)"; exit 1; }
    done
    scale_rows+=("$(row "… bash + curl + jq, xargs -P 16, one list per poll" "$sl_ms" "$sl_cpu" "$sl_rss" "$sl_req") glrun ≥ 3× faster | $(ok "$(ratio "$sl_ms" "$sg_ms")" ">=" 3) ($(ratio "$sl_ms" "$sg_ms")×; CPU $(ratio "$sl_cpu" "$sg_cpu")× glrun's) |")
    scale_rows+=("$(row "… bash + curl + jq, xargs -P 16, a GET per job per poll" "$sb_ms" "$sb_cpu" "$sb_rss" "$sb_req") glrun ≥ 3× faster | $(ok "$(ratio "$sb_ms" "$sg_ms")" ">=" 3) ($(ratio "$sb_ms" "$sg_ms")×; CPU $(ratio "$sb_cpu" "$sg_cpu")× glrun's) |")
  else
    scale_rows+=("| 7 | … bash baselines at $n servers | not run: they run at up to $baseline_max servers (at 1,000 they take 30 to 60 s of two busy cores each; at 5,000 five times that, which would break the 20-minute budget) | | |")
  fi
done

# --- scenario 8: time to notice -------------------------------------------------
say "scenario 8: time to notice, $notice_runs one-job restarts ..."
n1=()
for _ in $(seq 1 "$notice_runs"); do
  read -r _ _ _ _ _ one_exit _ < <(measure "$work/scale.log" -- "$glrun" run -q --base-url "$scale_base" bench/restart.star group=lab workers=16 poll=${poll}s count=1)
  [ "$one_exit" = 0 ] || { cat "$work/commands.err" >&2; say "a scenario 8 run failed"; exit 1; }
  read -r m _ _ < <(notice_of "$work/last.log" "$scale_base")
  n1+=("$m")
done
n1_med=$(printf '%s\n' "${n1[@]}" | sort -n | sed -n "$(((notice_runs + 1) / 2))p")
n1_max=$(printf '%s\n' "${n1[@]}" | sort -n | tail -n 1)
# Waits that adapt to a template's observed duration, on the simulated
# clock (a time-scaled `sim serve` stamps its jobs in simulated time, which
# the client cannot compare with its own, so adapting is inert against it):
# BenchmarkTimeToNotice restarts 10 batches of 20 servers one after the
# other, waiting for each batch, with and without adapting, with restarts
# that all take 93 s and with restarts of 93 s +- 20%.
say "scenario 8: time to notice with adaptive waits (simulated clock) ..."
go test -run '^$' -bench 'TimeToNotice' -benchtime 1x ./glapi/wait >"$work/notice_bench.txt"
# notice_row CASE: "p50 p95 polls" of one benchmark case, in seconds.
notice_row() {
  awk -v c="$1" '$1 ~ c {
    for (i = 2; i < NF; i++) m[$(i + 1)] = $i
    printf "%s %s %s\n", m["lag-p50-s"], m["lag-p95-s"], m["polls/batch"]
  }' "$work/notice_bench.txt"
}
for c in "spread=0%/adapt=off" "spread=0%/adapt=on" "spread=20%/adapt=off" "spread=20%/adapt=on"; do
  [ -n "$(notice_row "$c")" ] || { cat "$work/notice_bench.txt" >&2; say "BenchmarkTimeToNotice printed no $c"; exit 1; }
done

# --- scenario 6: list N jobs ----------------------------------------------------
say "scenario 6: list $jobs jobs (seeding the simulator) ..."
start_sim jobs --jobs "$jobs"
read -r l_ms l_rss l_req _ _ l_exit l_cpu < <(measure "$work/jobs.log" -- "$glrun" run -q --base-url "$base" bench/list_jobs.star)
[ "$l_exit" = 0 ] || { cat "$work/commands.err" >&2; say "scenario 6 failed"; exit 1; }

# --- scenario 9: what the journal costs -------------------------------------------
say "scenario 9: journal overhead, restart $servers servers with and without the journal ($journal_runs runs each) ..."
jline=$(bench/journal_overhead.sh --servers "$servers" --runs "$journal_runs" --latency "$latency" 2>>"$work/commands.err" | tail -n 1)
j_on=$(sed -n 's/.*: journal \([0-9.]*\) ms, --no-journal.*/\1/p' <<<"$jline")
j_off=$(sed -n 's/.*--no-journal \([0-9.]*\) ms.*/\1/p' <<<"$jline")
j_ratio=$(sed -n 's/.*ratio \([0-9.]*\)$/\1/p' <<<"$jline")
[ -n "$j_ratio" ] || { cat "$work/commands.err" >&2; say "scenario 9 failed: $jline"; exit 1; }

# --- the table --------------------------------------------------------------------
g_vs_f=$(ratio "$g_ms" "$f_ms")
bl_vs_g=$(ratio "$bl_ms" "$g_ms")
bg_vs_g=$(ratio "$bg_ms" "$g_ms")
p_vs_g=$(ratio "$p_ms" "$g_ms")
g_vs_phys=$(ratio "$g_ms" "$phys_ms")
per_limit=$(((servers + 999) / 1000))
e2e_per=$(awk -v a="$e2e_n" -v b="$e2e_0" 'BEGIN { printf "%.0f", (a - b) * 1e6 / 10000 }')

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
{
  echo "# glrun benchmark results"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Machine: ${cpu:-unknown CPU}, $(nproc) cores,"
  echo "$(go version | sed 's/^go version //'), $(uname -sr). Simulator: \`glrun sim serve --faults latency=$latency"
  echo "--time-scale $timescale\` (a restart job takes 93 s simulated, 155 ms real); polls every ${poll}s everywhere."
  echo "Scale: $servers servers (scenario 1), fleets of $(echo $scale | sed 's/ /, /g') (scenario 7), $jobs jobs (scenario 6)."
  echo "Load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min load averages when the table was written; the machine is shared)."
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
  echo "| 5 | Go hello world, built here (the yardstick) | $(printf '%.1f ms' "$h_ms") | | |"
  echo "| 5 | … the same, linking net/http, crypto/tls and encoding/json (what any Go HTTPS client links) | $(printf '%.1f ms' "$hn_ms") | | $(ratio "$hn_ms" "$h_ms")× hello world |"
  echo "| 5 | \`glrun version\` cold start | $(printf '%.1f ms' "$v_ms") | ≤ 2.5× hello world | $(ok "$(ratio "$v_ms" "$h_ms")" "<=" 2.5) ($(ratio "$v_ms" "$h_ms")×; $(ratio "$v_ms" "$hn_ms")× the HTTPS hello world) |"
  echo "| 5 | \`glrun check runbooks/\` ($nbooks files) | $(printf '%.1f ms' "$k_ms") | ≤ 2.5× hello world | $(ok "$(ratio "$k_ms" "$h_ms")" "<=" 2.5) ($(ratio "$k_ms" "$h_ms")×) |"
  echo "| 5 | … Go floor of the same work (parse and resolve the files, go.starlark.net alone) | $(printf '%.1f ms' "$kf_ms") | | glrun at $(ratio "$k_ms" "$kf_ms")×; the floor at $(ratio "$kf_ms" "$h_ms")× hello world |"
  echo "| 6 | list $jobs jobs (\`compute.jobs.list()\`) | $(ms "$l_ms") wall, $(ms "$l_cpu") CPU, $l_req requests, peak RSS $((l_rss / 1024)) MB | < 100 MB | $(ok "$l_rss" "<" 102400) |"
  printf '%s\n' "${scale_rows[@]}"
  echo "| 8 | time to notice, 1 job (median and worst of $notice_runs runs) | median $(ms "$n1_med"), worst $(ms "$n1_max") | | poll every ${poll}s |"
  if [ -n "${n1k_med:-}" ]; then
    echo "| 8 | time to notice, 1,000 jobs (one run) | median $(ms "$n1k_med"), p95 $(ms "$n1k_p95") over $n1k_jobs jobs | | |"
  fi
  for c in "spread=0%" "spread=20%"; do
    read -r off50 off95 offp < <(notice_row "$c/adapt=off")
    read -r on50 on95 onp < <(notice_row "$c/adapt=on")
    case $c in spread=0%) what="restarts of 93 s each" ;; *) what="restarts of 93 s ± 20%" ;; esac
    echo "| 8 | time to notice, rolling restart of 10 × 20 servers, $what, poll 5s (simulated clock) | adaptive: median ${on50} s, p95 ${on95} s, ${onp} polls/batch; backoff only: median ${off50} s, p95 ${off95} s, ${offp} polls/batch | | median $(ratio "$on50" "$off50")× the backoff's |"
  done
  echo "| 9 | restart $servers servers with the journal (live run, write-ahead) | $(ms "$j_on") against $(ms "$j_off") with --no-journal (medians of $journal_runs, paired) | ≤ 1.05× | $(ok "$j_ratio" "<=" 1.05) (${j_ratio}×) |"
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
