#!/usr/bin/env bash
# The request pattern of the PowerShell module operators use today, replayed
# with curl and jq: the jobs are created one after another (one cmdlet call
# per server in a foreach), then waited for one at a time, each with one GET
# every POLL seconds (the module's wait polls every 5 s) until it is
# finished.
#
#   GREENLAKE_BASE_URL=... GREENLAKE_CLIENT_ID=... GREENLAKE_CLIENT_SECRET=... \
#     bench/baseline/restart_pwsh_pattern.sh [GROUP] [POLL]
set -euo pipefail

group=${1:-lab}
poll=${2:-5}
base=${GREENLAKE_BASE_URL:?set GREENLAKE_BASE_URL}
restart_template=30110551-cad6-4069-95b8-dbce9bbd8525 # "Server Restart"

token=$(curl -sf -u "${GREENLAKE_CLIENT_ID:?}:${GREENLAKE_CLIENT_SECRET:?}" \
  -d grant_type=client_credentials "$base/as/token.oauth2" | jq -r .access_token)
auth="Authorization: Bearer $token"

ids=$(curl -sfG -H "$auth" "$base/compute-ops-mgmt/v1/groups" \
  --data-urlencode "filter=name eq '$group'" | jq -r '.items[0].devices[].deviceId')

jobs=()
for id in $ids; do
  jobs+=("$(curl -sf -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"jobTemplate\":\"$restart_template\",\"resourceId\":\"$id\",\"resourceType\":\"compute-ops-mgmt/server\"}" \
    "$base/compute-ops-mgmt/v1/jobs" | jq -r .id)")
done

complete=0 failed=0
for job in "${jobs[@]}"; do
  while :; do
    state=$(curl -sf -H "$auth" "$base/compute-ops-mgmt/v1/jobs/$job" | jq -r .state)
    case $state in
      COMPLETE) complete=$((complete + 1)); break ;;
      ERROR) failed=$((failed + 1)); break ;;
    esac
    sleep "$poll"
  done
done
echo "{\"jobs\": $((complete + failed)), \"complete\": $complete}"
