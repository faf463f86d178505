#!/usr/bin/env bash
# The bash baseline of bench scenario 1, written the way an operator writes it
# today: curl and jq, one server at a time, create its restart job, then poll
# that job every POLL seconds until it is finished.
#
#   GREENLAKE_BASE_URL=... GREENLAKE_CLIENT_ID=... GREENLAKE_CLIENT_SECRET=... \
#     bench/baseline/restart.sh [GROUP] [POLL]
set -euo pipefail

group=${1:-lab}
poll=${2:-1}
base=${GREENLAKE_BASE_URL:?set GREENLAKE_BASE_URL}
restart_template=30110551-cad6-4069-95b8-dbce9bbd8525 # "Server Restart" (docs/api.md, "Job templates")

token=$(curl -sf -u "${GREENLAKE_CLIENT_ID:?}:${GREENLAKE_CLIENT_SECRET:?}" \
  -d grant_type=client_credentials "$base/as/token.oauth2" | jq -r .access_token)
auth="Authorization: Bearer $token"

ids=$(curl -sfG -H "$auth" "$base/compute-ops-mgmt/v1/groups" \
  --data-urlencode "filter=name eq '$group'" | jq -r '.items[0].devices[].deviceId')

complete=0 failed=0
for id in $ids; do
  job=$(curl -sf -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"jobTemplate\":\"$restart_template\",\"resourceId\":\"$id\",\"resourceType\":\"compute-ops-mgmt/server\"}" \
    "$base/compute-ops-mgmt/v1/jobs" | jq -r .id)
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
