#!/usr/bin/env bash
# Pushed tenant changes (Spring Cloud Bus over RabbitMQ) end to end: a config server and three
# sample-app instances (profiles local,configserver), then ConfigChangeFanout:
#   instances: acme suspended/resumed ROUNDS times through the admin API; time until EVERY instance
#              answers accordingly (each polls its own /api/tenant every POLL_MILLIS, 2 ms);
#              after SETTLE seconds (0) and WARMUP_ROUNDS pairs (0) left out of the figures.
#   watchers:  WATCHERS simulated instances (AMQP consumers on the bus exchange, catch-up and a
#              safety poll of the changes feed every SAFETY) while changes are made at RATE/s for
#              SECONDS, with the config server's CPU time next to the same time idle.
# The instances poll the feed only every 30 s while the bus is connected (the default).
#
# Needs: the built jars (config-server, sample-app, benchmarks), PostgreSQL, Redis and RabbitMQ on
# localhost. Uses its own database cfgbus_bench, its own redis-server and its own bus exchange.
# Ports 19510-19534.
# Usage: benchmarks/e2e/bus-change-latency.sh [instances|watchers|both]
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-both}
ROUNDS=${ROUNDS:-50}
WATCHERS=${WATCHERS:-1000}
RATE=${RATE:-2}
SECONDS_=${SECONDS_:-60}
SAFETY=${SAFETY:-PT30S}
POLL_MILLIS=${POLL_MILLIS:-2}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-0}
SETTLE=${SETTLE:-0}
LOG=$(mktemp -d)
DEST=bench-bus-$$
CS=http://127.0.0.1:19510
psql -h 127.0.0.1 -U postgres -qc "create database cfgbus_bench" 2>/dev/null || true
# A Redis of its own (rate-limit buckets, caches): nothing left by tests or other runs counts.
REDIS_PORT=19534
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$LOG/redis.pid" --logfile "$LOG/redis.log"
java -jar config-server/target/config-server.jar --spring.profiles.active=local --server.port=19510 \
  --management.server.port=19511 --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/cfgbus_bench \
  --spring.cloud.bus.destination=$DEST >"$LOG/cs.log" 2>&1 &
CSPID=$!
PIDS=""
cleanup() { kill $CSPID $PIDS 2>/dev/null || true; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; }
trap cleanup EXIT
for _ in $(seq 1 480); do curl -sf http://127.0.0.1:19511/actuator/health >/dev/null && break; sleep 0.5; done
curl -s -o /dev/null -X POST -H 'X-Admin-Token: local-demo-admin-token' -H 'Content-Type: application/json' \
  -d '{"id":"acme","displayName":"Acme Travel","config":{"plan":"standard","features":["trips"]}}' $CS/admin/tenants
curl -s -o /dev/null -X POST -H 'X-Admin-Token: local-demo-admin-token' $CS/admin/tenants/acme/resume
APPS=""
if [ "$MODE" != watchers ]; then
  for i in 1 2 3; do
    CONFIG_SERVER_URL=$CS CONFIG_SERVER_PASSWORD=sample-app-secret java -jar sample-app/target/sample-app.jar \
      --spring.profiles.active=local,configserver --server.port=1952$i --management.server.port=1953$i \
      --spring.cloud.bus.destination=$DEST --tenancy.rate-limit.redis.url=redis://127.0.0.1:$REDIS_PORT \
      --spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT >"$LOG/app$i.log" 2>&1 &
    PIDS="$PIDS $!"
    APPS="$APPS${APPS:+,}http://127.0.0.1:1952$i"
  done
  for i in 1 2 3; do
    for _ in $(seq 1 480); do curl -sf http://127.0.0.1:1953$i/actuator/health >/dev/null && break; sleep 0.5; done
  done
  TOKEN=$(curl -s -u acme-client:acme-secret -d grant_type=client_credentials http://127.0.0.1:19521/oauth2/token \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  sleep "$SETTLE"   # let the instances' start-up work (JIT, pools) die down
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Dmode=instances -Dserver=$CS -Dapps="$APPS" -Dtoken="$TOKEN" -Drounds="$ROUNDS" -DpollMillis="$POLL_MILLIS" -DwarmupRounds="$WARMUP_ROUNDS" \
    -cp benchmarks/target/benchmarks.jar dev.tenancy.benchmarks.ConfigChangeFanout
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  # Each instance's own view: publication on the config server to receipt (bus lag).
  for i in 1 2 3; do
    curl -s http://127.0.0.1:1953$i/actuator/prometheus \
      | grep -E '^tenancy_registry_(bus_lag|lookup)_seconds_(count|sum|max)' | grep -v 'cache="hit"' \
      | sed "s/^/app$i /" || true
  done
fi
if [ "$MODE" != instances ]; then
  # The simulated watchers stand for the instances: stop the real ones first.
  if [ -n "$PIDS" ]; then kill $PIDS; PIDS=""; sleep 5; fi
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xss256k -Dmode=watchers -Dserver=$CS -Ddestination=$DEST -DserverPid=$CSPID -Dwatchers="$WATCHERS" \
    -Drate="$RATE" -Dseconds="$SECONDS_" -DsafetyPoll="$SAFETY" \
    -cp benchmarks/target/benchmarks.jar dev.tenancy.benchmarks.ConfigChangeFanout
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
echo "logs: $LOG"
