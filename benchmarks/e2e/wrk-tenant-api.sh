#!/usr/bin/env bash
# The config server's tenant API with 10,000 tenants in the registry, under wrk: cached (the
# server's tenant cache holds them all) and uncached (a cache of one tenant, so nearly every lookup
# reads PostgreSQL). Random tenant ids per request.
#
# The cached server is measured with three credentials side by side, in one run: HTTP basic with a
# {noop} password (the baseline: no password hashing at all), HTTP basic with the {bcrypt} password
# production requires (the local demo client sample-app, cost 10), verified once and then remembered
# (tenancy.config-server.basic-cache.*), and a bearer access token from the local issuer (a JWT whose
# RS256 signature is verified on every request).
#
# Needs: the built jar (./mvnw -B -q -Dmaven.test.skip=true package), PostgreSQL on localhost
# (superuser postgres, trust auth), wrk. Uses ports PORT and PORT+1 (default 18888/18889) and a
# scratch database it drops.
# Usage: [PORT=18888] [ROUNDS=1] benchmarks/e2e/wrk-tenant-api.sh [duration-seconds] [connections]
# ROUNDS repeats the three cached measurements, interleaved, on the same warm server.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
CONNECTIONS=${2:-32}
ROUNDS=${ROUNDS:-1}
PORT=${PORT:-18888}
MANAGEMENT_PORT=$((PORT + 1))
DB=tenancy_bench_tenant_api_$PORT
BASE=http://127.0.0.1:$PORT
LOG=$(mktemp -d)
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB with (force)" -c "create database $DB"
# The baseline client has a {noop} password; the production-like one is the local demo client
# sample-app, whose password is stored {bcrypt} (application-local.yml).
NOOP_AUTH="Basic $(printf '%s' 'bench:bench-secret' | base64)"
BCRYPT_AUTH="Basic $(printf '%s' 'sample-app:sample-app-secret' | base64)"
cat >"$LOG/random.lua" <<'LUA'
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/tenants/agency-" .. math.random(0, 9999))
end
LUA

start_server() {
  java -jar config-server/target/config-server.jar --spring.profiles.active=local --server.port=$PORT \
    --management.server.port=$MANAGEMENT_PORT --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/$DB \
    '--tenancy.config-server.clients.bench.password={noop}bench-secret' "$@" >"$LOG/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 240); do
    if curl -sf http://127.0.0.1:$MANAGEMENT_PORT/actuator/health >/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "config server did not start; see $LOG/server.log" >&2; kill $SERVER; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
# run_wrk <name> <Authorization header value>
run_wrk() {
  wrk -t2 -c"$CONNECTIONS" -d5s -s "$LOG/random.lua" -H "Authorization: $2" "$BASE" >/dev/null
  echo "== $1"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOG/random.lua" -H "Authorization: $2" "$BASE" | tee "$LOG/$1.txt"
}

start_server
psql -h 127.0.0.1 -U postgres -d $DB -qc "insert into tenancy.tenant (id, display_name, status, config)
  select 'agency-' || i, 'Agency ' || i, 'ACTIVE',
         jsonb_build_object('plan', 'standard', 'features', jsonb_build_array('trips'),
           'emailDomains', jsonb_build_array('agency-' || i || '.example'), 'locale', 'en-GB',
           'rateLimit', jsonb_build_object('limit', 1000, 'window', 'PT1M', 'burst', 1000))
  from generate_series(0, 9999) as i"
TOKEN=$(curl -sf -u sample-app:sample-app-secret -d grant_type=client_credentials \
  -d 'scope=config:sample-app tenants:read' "$BASE/oauth2/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
BEARER_AUTH="Bearer $TOKEN"
for auth in "$NOOP_AUTH" "$BCRYPT_AUTH" "$BEARER_AUTH"; do
  curl -s -o /dev/null -w "probe ${auth%% *}: %{http_code}\n" -H "Authorization: $auth" "$BASE/tenants/agency-42"
done
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  run_wrk cached-basic-noop "$NOOP_AUTH"
  run_wrk cached-basic-bcrypt-remembered "$BCRYPT_AUTH"
  run_wrk cached-bearer-token "$BEARER_AUTH"
done
stop_server

start_server --tenancy.registry.cache.maximum-size=1
run_wrk uncached-basic-noop "$NOOP_AUTH"
stop_server
psql -h 127.0.0.1 -U postgres -d postgres -qc "drop database if exists $DB with (force)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
