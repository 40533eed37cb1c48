#!/usr/bin/env bash
# Time for a tenant change made on the config server to reach an application in config-server
# registry mode: suspend and resume acme through the config server's admin API and poll the sample
# app (profile configserver) until its answer flips. Prints one line per change.
#
# Needs: the built jars, PostgreSQL and Redis on localhost (local profile). Ports 18888/18889/18080/18081.
# Usage: benchmarks/e2e/config-change-latency.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
LOG=$(mktemp -d)
CS=http://127.0.0.1:18888
APP=http://127.0.0.1:18080
java -jar config-server/target/config-server.jar --spring.profiles.active=local --server.port=18888 \
  --management.server.port=18889 >"$LOG/cs.log" 2>&1 &
CSPID=$!
cleanup() {
  # Never leave acme suspended, whatever happened.
  curl -s -o /dev/null -X POST -H 'X-Admin-Token: local-demo-admin-token' $CS/admin/tenants/acme/resume || true
  kill $CSPID ${APPPID:-} 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18889/actuator/health >/dev/null && break; sleep 0.5; done
CONFIG_SERVER_URL=$CS CONFIG_SERVER_PASSWORD=sample-app-secret java -jar sample-app/target/sample-app.jar \
  --spring.profiles.active=local,configserver --server.port=18080 --management.server.port=18081 >"$LOG/app.log" 2>&1 &
APPPID=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:18081/actuator/health >/dev/null && break; sleep 0.5; done
ACME=$(curl -s -u acme-client:acme-secret -d grant_type=client_credentials $APP/oauth2/token | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
status() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACME" $APP/api/tenant; }
now_ms() { date +%s%3N; }
[ "$(status)" = 200 ] || { echo "acme is not served; see $LOG" >&2; exit 1; }
for round in $(seq 1 "$ROUNDS"); do
  for action in suspend resume; do
    want=$([ $action = suspend ] && echo 403 || echo 200)
    start=$(now_ms)
    curl -s -o /dev/null -X POST -H 'X-Admin-Token: local-demo-admin-token' $CS/admin/tenants/acme/$action
    while [ "$(status)" != "$want" ]; do
      if [ $(( $(now_ms) - start )) -gt 10000 ]; then echo "no $action after 10 s" >&2; exit 1; fi
      sleep 0.02
    done
    echo "$action reached the app after $(( $(now_ms) - start )) ms"
  done
done
