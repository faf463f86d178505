#!/usr/bin/env bash
# The bash baseline a competent operator writes: curl and jq, job creations
# run 16 at a time with `xargs -P`, then the jobs are polled every POLL
# seconds until all are finished, in one of two ways:
#
#   list  one list request per poll: jobs created since the earliest of ours
#         (filter createdAt ge T, pages of 1000), counted against our ids;
#   get   one GET per unfinished job per poll, 16 at a time.
#
#   GREENLAKE_BASE_URL=... GREENLAKE_CLIENT_ID=... GREENLAKE_CLIENT_SECRET=... \
#     bench/baseline/restart_xargs.sh [GROUP] [POLL] [list|get] [WORKERS] [COUNT]
#
# COUNT > 0 restarts only the group's first COUNT servers.
#
# It prints {"jobs": N, "complete": M} like the other variants.
set -euo pipefail

group=${1:-lab}
poll=${2:-1}
mode=${3:-list}
workers=${4:-16}
count=${5:-0}
base=${GREENLAKE_BASE_URL:?set GREENLAKE_BASE_URL}
restart_template=30110551-cad6-4069-95b8-dbce9bbd8525 # "Server Restart"
case $mode in list | get) ;; *) echo "restart_xargs.sh: mode must be list or get, not $mode" >&2; exit 2 ;; esac

token=$(curl -sf -u "${GREENLAKE_CLIENT_ID:?}:${GREENLAKE_CLIENT_SECRET:?}" \
  -d grant_type=client_credentials "$base/as/token.oauth2" | jq -r .access_token)
export GL_AUTH="Authorization: Bearer $token" GL_BASE=$base GL_TEMPLATE=$restart_template
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

curl -sfG -H "$GL_AUTH" "$base/compute-ops-mgmt/v1/groups" \
  --data-urlencode "filter=name eq '$group'" | jq -r '.items[0].devices[].deviceId' >"$work/all"
if [ "$count" -gt 0 ]; then head -n "$count" "$work/all" >"$work/servers"; else cp "$work/all" "$work/servers"; fi

# Create: one curl per server, $workers at a time; each prints "id createdAt".
xargs -P "$workers" -I{} sh -c '
  curl -sf -H "$GL_AUTH" -H "Content-Type: application/json" \
    -d "{\"jobTemplate\":\"$GL_TEMPLATE\",\"resourceId\":\"{}\",\"resourceType\":\"compute-ops-mgmt/server\"}" \
    "$GL_BASE/compute-ops-mgmt/v1/jobs" | jq -r "[.id, .createdAt] | join(\" \")"
' <"$work/servers" >"$work/jobs"
cut -d' ' -f1 "$work/jobs" | sort >"$work/ids"
total=$(wc -l <"$work/ids")
since=$(cut -d' ' -f2 "$work/jobs" | sort | awk 'NR == 1') # awk reads to the end: no SIGPIPE for sort

# finished_list prints "id state" for our jobs that are finished, reading
# every page of the jobs created since the earliest of ours.
finished_list() {
  local offset=0 page n
  while :; do
    page=$(curl -sfG -H "$GL_AUTH" "$base/compute-ops-mgmt/v1/jobs" \
      --data-urlencode "filter=createdAt ge '$since'" --data-urlencode "limit=1000" \
      --data-urlencode "offset=$offset")
    jq -r '.items[] | select(.state == "COMPLETE" or .state == "ERROR") | "\(.id) \(.state)"' <<<"$page"
    n=$(jq '.items | length' <<<"$page")
    offset=$((offset + n))
    [ "$n" -lt 1000 ] && break
  done | sort | join - "$work/ids"
}

# finished_get GETs each job not yet finished, $workers at a time, and
# appends the finished ones to $work/done.
finished_get() {
  sort "$work/done" | cut -d' ' -f1 | comm -23 "$work/ids" - |
    xargs -P "$workers" -I{} sh -c '
      curl -sf -H "$GL_AUTH" "$GL_BASE/compute-ops-mgmt/v1/jobs/{}" |
        jq -r "select(.state == \"COMPLETE\" or .state == \"ERROR\") | \"\(.id) \(.state)\""
    ' >>"$work/done"
  cat "$work/done"
}

: >"$work/done"
while :; do
  if [ "$mode" = list ]; then
    finished_list >"$work/done"
  else
    finished_get >/dev/null
  fi
  [ "$(wc -l <"$work/done")" -ge "$total" ] && break
  sleep "$poll"
done
complete=$(grep -c ' COMPLETE$' "$work/done" || true)
echo "{\"jobs\": $total, \"complete\": $complete}"
