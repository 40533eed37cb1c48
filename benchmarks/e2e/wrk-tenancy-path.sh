#!/usr/bin/env bash
# End-to-end cost of the tenancy path: the sample app's /api/ping with the whole path (JWT, tenant
# resolution, registry, rate limit) against the same endpoint with tenancy off (JWT only), under wrk.
#
# Needs: the built jar (./mvnw -B -q -Dmaven.test.skip=true package -pl sample-app -am), a PostgreSQL
# superuser connection (PG_HOST/PG_PORT/PG_USER, default 127.0.0.1:5432 postgres, trust auth),
# redis-server on the PATH, and wrk (apt-get install wrk).
#
# Isolation: the script creates a throwaway database in that PostgreSQL (dropped at exit) and starts
# its own redis-server (REDIS_PORT, default 19150), so it neither rewrites a tenant in the shared
# `postgres` database nor shares rate-limit buckets with anything else. The app listens on PORT
# (default 19180) and PORT+1 (management).
#
# Every measurement starts the app cold, warms it for WARMUP seconds (same load as the measurement)
# and then measures for DURATION seconds; the load average is printed before each measurement.
#
# Usage: benchmarks/e2e/wrk-tenancy-path.sh [duration-seconds] [connections]
#   APP_ARGS   added to every app start, e.g. APP_ARGS=--management.tracing.enabled=false
#   VARIANTS   ';'-separated label=args pairs measured side by side, interleaved per round, e.g.
#              VARIANTS='text=;json=--logging.structured.format.console=logstash'
#              (default: one variant, 'default', with no extra arguments)
#   SIDES      which sides to run: 'on off' (default), 'on' or 'off'
#   ROUNDS     how many interleaved rounds (default 1); ratios are taken within a round
#   WARMUP     warm-up seconds before each measurement (default 10)
#   JAR        the app jar (default sample-app/target/sample-app.jar)
#   JAVA_OPTS  JVM options for every app start, e.g. JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/app.jfr
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
CONNECTIONS=${2:-32}
PORT=${PORT:-19180}
REDIS_PORT=${REDIS_PORT:-19150}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
ROUNDS=${ROUNDS:-1}
WARMUP=${WARMUP:-10}
SIDES=${SIDES:-on off}
VARIANTS=${VARIANTS:-default=}
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$((PORT + 1))
JAR=${JAR:-sample-app/target/sample-app.jar}
LOG=$(mktemp -d)
DB=tenancy_wrk_$$
APP=
REDIS=

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }
cleanup() {
  if [ -n "$APP" ]; then kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; fi
  if [ -n "$REDIS" ]; then kill "$REDIS" 2>/dev/null || true; wait "$REDIS" 2>/dev/null || true; fi
  psql_admin -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "no $JAR: build it first (see the header)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
psql_admin -c "create database $DB"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$LOG/redis.log" 2>&1 &
REDIS=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_app() {
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -jar "$JAR" --spring.profiles.active=local --server.port="$PORT" --management.server.port=$((PORT + 1)) \
    --spring.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" \
    --tenancy.rate-limit.redis.url="redis://127.0.0.1:$REDIS_PORT" ${APP_ARGS:-} "$@" >"$LOG/app.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 240); do
    if curl -sf "$MANAGEMENT/actuator/health" >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "app did not start; see $LOG/app.log" >&2; exit 1
}
stop_app() { kill "$APP"; wait "$APP" 2>/dev/null || true; APP=; }
token() { curl -s -u "$1" -d grant_type=client_credentials "$BASE/oauth2/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# acme gets a plan large enough never to refuse, so every request pays for a full rate-limit
# decision without being turned away. The database is this script's own: nothing to restore.
big_plan() {
  local ops etag
  ops=$(token ops-client:ops-secret)
  etag=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $ops" "$BASE/admin/tenants/acme" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $ops" -H "If-Match: $etag" -H 'Content-Type: application/json' \
    -d '{"displayName":"Acme Travel","config":{"plan":"standard","rateLimit":{"limit":1000000000,"window":"PT1M","burst":1000000000,"perUser":{"limit":1000000000,"window":"PT1M"}},"features":["trips","helpdesk"],"emailDomains":["acme-travel.example"],"locale":"en-GB"}}' \
    "$BASE/admin/tenants/acme"
}

# measure ROUND VARIANT SIDE ARGS...
measure() {
  local round=$1 variant=$2 side=$3 acme out
  shift 3
  if [ "$side" = on ]; then start_app "$@"; big_plan; else start_app --tenancy.enabled=false --tenancy.rate-limit.enabled=false "$@"; fi
  acme=$(token acme-client:acme-secret)
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $acme" "$BASE/api/ping" >/dev/null
  local before
  before=$(load)
  out="$LOG/r$round-$variant-$side.txt"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $acme" "$BASE/api/ping" >"$out"
  local rps p50 p99 non2xx
  rps=$(sed -n 's/^Requests\/sec: *//p' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$variant" "$side" "$rps" "$p50" "$p99" "${non2xx:-0}" "$before" | tee -a "$LOG/results.tsv"
  stop_app
}

echo "round	variant	tenancy	requests/s	p50	p99	non-2xx	load average (1, 5, 15 min) before measuring"
IFS=';' read -r -a VARIANT_LIST <<<"$VARIANTS"
for round in $(seq 1 "$ROUNDS"); do
  for pair in "${VARIANT_LIST[@]}"; do
    label=${pair%%=*}
    args=${pair#*=}
    for side in $SIDES; do
      # shellcheck disable=SC2086
      measure "$round" "$label" "$side" $args
    done
  done
done

# Ratios within each round: tenancy on vs off per variant, and each variant vs the first one.
first=${VARIANT_LIST[0]%%=*}
awk -F'\t' -v first="$first" '
  { rps[$1 "|" $2 "|" $3] = $4; rounds[$1] = 1; variants[$2] = 1; sides[$3] = 1 }
  END {
    for (r in rounds) for (v in variants) {
      on = rps[r "|" v "|on"]; off = rps[r "|" v "|off"]
      if (on != "" && off != "") printf "== round %s, %s: the tenancy path costs %.1f%% of the endpoint'"'"'s throughput\n", r, v, 100 - 100 * on / off
      for (s in sides) { base = rps[r "|" first "|" s]; x = rps[r "|" v "|" s]
        if (v != first && base != "" && x != "") printf "== round %s, tenancy %s: %s / %s = %.3f\n", r, s, v, first, x / base }
    }
  }' "$LOG/results.tsv"
echo "== load average at the end: $(load); raw wrk output in $LOG"
