#!/usr/bin/env bash
# The config server's tenant API with 10,000 tenants in the registry, under wrk: cached (the
# server's tenant cache holds them all) and uncached (a cache of one tenant, so nearly every lookup
# reads PostgreSQL). Random tenant ids per request.
#
# Needs: the built jar (./mvnw -B -q -Dmaven.test.skip=true package), PostgreSQL on localhost
# (superuser postgres, trust auth), wrk. Uses ports 18888/18889 and a scratch database it drops.
# Usage: benchmarks/e2e/wrk-tenant-api.sh [duration-seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
CONNECTIONS=${2:-32}
DB=tenancy_bench_tenant_api
BASE=http://127.0.0.1:18888
LOG=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB with (force)" -c "create database $DB"
# A client with a {noop} password, so the figures measure the tenant API and not BCrypt: the local
# demo client's {bcrypt} password costs tens of milliseconds of CPU per request (see
# docs/benchmarks.md); run with CLIENT=sample-app:sample-app-secret to include it.
CLIENT=${CLIENT:-bench:bench-secret}
AUTH=$(printf '%s' "$CLIENT" | base64)
cat >"$LOG/random.lua" <<'LUA'
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/tenants/agency-" .. math.random(0, 9999))
end
LUA

start_server() {
  java -jar config-server/target/config-server.jar --spring.profiles.active=local --server.port=18888 \
    --management.server.port=18889 --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB \
    '--tenancy.config-server.clients.bench.password={noop}bench-secret' "$@" >"$LOG/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do
    if curl -sf http://127.0.0.1:18889/actuator/health >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "config server did not start; see $LOG/server.log" >&2; kill $SERVER; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
run_wrk() {
  wrk -t2 -c"$CONNECTIONS" -d5s -s "$LOG/random.lua" -H "Authorization: Basic $AUTH" "$BASE" >/dev/null
  echo "== $1"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOG/random.lua" -H "Authorization: Basic $AUTH" "$BASE" | tee "$LOG/$1.txt"
}

start_server
psql -h 127.0.0.1 -U postgres -d $DB -qc "insert into tenancy.tenant (id, display_name, status, config)
  select 'agency-' || i, 'Agency ' || i, 'ACTIVE',
         jsonb_build_object('plan', 'standard', 'features', jsonb_build_array('trips'),
           'emailDomains', jsonb_build_array('agency-' || i || '.example'), 'locale', 'en-GB',
           'rateLimit', jsonb_build_object('limit', 1000, 'window', 'PT1M', 'burst', 1000))
  from generate_series(0, 9999) as i"
curl -s -o /dev/null -w 'probe: %{http_code}\n' -H "Authorization: Basic $AUTH" "$BASE/tenants/agency-42"
run_wrk cached
stop_server

start_server --tenancy.registry.cache.maximum-size=1
run_wrk uncached
stop_server
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB with (force)"
