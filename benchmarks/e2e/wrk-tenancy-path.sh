#!/usr/bin/env bash
# End-to-end cost of the tenancy path: the sample app's /api/ping with the whole path (JWT, tenant
# resolution, registry, rate limit) against the same endpoint with tenancy off (JWT only), under wrk.
#
# Needs: the built jar (./mvnw -B -q -Dmaven.test.skip=true package), PostgreSQL and Redis on
# localhost as for the local profile, and wrk (apt-get install wrk). Uses port 18080 (PORT=... to change)
# and PORT+1 for Actuator (the management port).
# Usage: benchmarks/e2e/wrk-tenancy-path.sh [duration-seconds] [connections]
# APP_ARGS adds arguments to both app starts, e.g. APP_ARGS=--management.tracing.enabled=false.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
CONNECTIONS=${2:-32}
PORT=${PORT:-18080}
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$((PORT + 1))
JAR=sample-app/target/sample-app.jar
LOG=$(mktemp -d)

start_app() {
  java -jar "$JAR" --spring.profiles.active=local --server.port=$PORT --management.server.port=$((PORT + 1)) ${APP_ARGS:-} "$@" >"$LOG/app.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 120); do
    if curl -sf "$MANAGEMENT/actuator/health" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "app did not start; see $LOG/app.log" >&2; kill $APP; exit 1
}
stop_app() { kill "$APP"; wait "$APP" 2>/dev/null || true; }
token() { curl -s -u "$1" -d grant_type=client_credentials "$BASE/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'; }
run_wrk() {
  local label=$1 acme=$2
  wrk -t2 -c"$CONNECTIONS" -d5s -H "Authorization: Bearer $acme" "$BASE/api/ping" >/dev/null
  echo "== $label"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $acme" "$BASE/api/ping" | tee "$LOG/$label.txt"
}

# 1. Tenancy on. acme gets a plan large enough never to refuse, so every request pays for a full
#    rate-limit decision without being turned away; its plan is restored afterwards.
start_app
OPS=$(token ops-client:ops-secret)
ACME=$(token acme-client:acme-secret)
ETAG=$(curl -s -D - -o "$LOG/acme.json" -H "Authorization: Bearer $OPS" "$BASE/admin/tenants/acme" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
ORIGINAL=$(sed -E 's/.*"config":(\{.*\})\}$/\1/' "$LOG/acme.json")
BIG='{"displayName":"Acme Travel","config":{"plan":"standard","rateLimit":{"limit":1000000000,"window":"PT1M","burst":1000000000,"perUser":{"limit":1000000000,"window":"PT1M"}},"features":["trips","helpdesk"],"emailDomains":["acme-travel.example"],"locale":"en-GB"}}'
ETAG=$(curl -s -D - -o /dev/null -X PUT -H "Authorization: Bearer $OPS" -H "If-Match: $ETAG" -H 'Content-Type: application/json' -d "$BIG" "$BASE/admin/tenants/acme" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
curl -s -D - -o /dev/null -H "Authorization: Bearer $ACME" "$BASE/api/ping" | grep -i '^ratelimit' || true
run_wrk tenancy-on "$ACME"
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $OPS" -H "If-Match: $ETAG" -H 'Content-Type: application/json' \
  -d "{\"displayName\":\"Acme Travel\",\"config\":$ORIGINAL}" "$BASE/admin/tenants/acme"
stop_app

# 2. Tenancy off: the same endpoint behind the same JWT check, no tenant filter, no rate limit.
start_app --tenancy.enabled=false --tenancy.rate-limit.enabled=false
ACME=$(token acme-client:acme-secret)
run_wrk tenancy-off "$ACME"
stop_app

on=$(sed -n 's/^Requests\/sec: *//p' "$LOG/tenancy-on.txt")
off=$(sed -n 's/^Requests\/sec: *//p' "$LOG/tenancy-off.txt")
awk -v on="$on" -v off="$off" 'BEGIN { printf "== requests/s: tenancy on %s, tenancy off %s; the tenancy path costs %.1f%% of the endpoint'"'"'s throughput\n", on, off, 100 - 100 * on / off }'
