#!/usr/bin/env bash
# The helpdesk under load: inbound e-mail webhook ingest throughput (signed deliveries, each a new
# ticket, answered after the commit) and knowledge-base search latency (p50/p99), with TENANTS tenants
# of ARTICLES articles each (default 64 x 1,000), under wrk.
#
# Needs: the built jar (./mvnw -B -q -Dmaven.test.skip=true package -pl sample-app -am), a PostgreSQL
# superuser connection (PG_HOST/PG_PORT/PG_USER, default 127.0.0.1:5432 postgres, trust auth),
# redis-server on the PATH, RabbitMQ on 127.0.0.1:5672 (guest/guest), python3, and wrk.
#
# Isolation: a throwaway database (dropped at exit), its own redis-server (REDIS_PORT, default 19290),
# its own processing queue (deleted by the broker 5 minutes after the run). The app listens on PORT
# (default 19280) and PORT+1 (management).
#
# Search is measured twice: with the Redis cache (the default; a few distinct queries, so mostly hits)
# and without it (--spring.cache.type=none: every search is a PostgreSQL full-text query under RLS).
#
# Usage: benchmarks/e2e/wrk-helpdesk.sh [duration-seconds] [connections]
#   TENANTS, ARTICLES   the corpus (default 64, 1000)
#   DELIVERIES          signed deliveries prepared for the ingest run (default 30000; each is used once,
#                       a replay would be refused); the run stops early when they are used up
#   WARMUP              warm-up seconds before each search measurement (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-20}
CONNECTIONS=${2:-16}
PORT=${PORT:-19280}
REDIS_PORT=${REDIS_PORT:-19290}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
TENANTS=${TENANTS:-64}
ARTICLES=${ARTICLES:-1000}
DELIVERIES=${DELIVERIES:-30000}
WARMUP=${WARMUP:-5}
BASE=http://127.0.0.1:$PORT
MANAGEMENT=http://127.0.0.1:$((PORT + 1))
JAR=${JAR:-sample-app/target/sample-app.jar}
LOG=$(mktemp -d)
DB=tenancy_helpdesk_$$
QUEUE=sample.helpdesk.bench-$$
KEY=bench-signing-key-$$
APP=
REDIS=

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }
cleanup() {
  if [ -n "$APP" ]; then kill "$APP" 2>/dev/null || true; wait "$APP" 2>/dev/null || true; fi
  if [ -n "$REDIS" ]; then kill "$REDIS" 2>/dev/null || true; wait "$REDIS" 2>/dev/null || true; fi
  psql_admin -d postgres -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

[ -f "$JAR" ] || { echo "no $JAR: build it first (see the header)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
psql_admin -d postgres -c "create database $DB"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$LOG/redis.log" 2>&1 &
REDIS=$!
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_app() {
  # shellcheck disable=SC2086
  java -jar "$JAR" --spring.profiles.active=local --server.port="$PORT" --management.server.port=$((PORT + 1)) \
    --spring.datasource.url="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" \
    --tenancy.rate-limit.redis.url="redis://127.0.0.1:$REDIS_PORT" --spring.data.redis.url="redis://127.0.0.1:$REDIS_PORT" \
    --sample.helpdesk.queue="$QUEUE" --sample.helpdesk.queue-expires=5m ${APP_ARGS:-} "$@" >"$LOG/app.log" 2>&1 &
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
report() { # label file
  local rps p50 p99 non2xx
  rps=$(sed -n 's/^Requests\/sec: *//p' "$2")
  p50=$(awk '$1 == "50%" { print $2 }' "$2")
  p99=$(awk '$1 == "99%" { print $2 }' "$2")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$2")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}" "$(load)"
}

# The corpus: TENANTS tenants with ARTICLES articles each: acme (whose demo client searches) and
# TENANTS-1 bench tenants (bench-01 ...) with a plan that never refuses, a domain each and the signing
# key, through the admin API (the webhook's tenants); the articles are inserted directly as the owner.
start_app
OPS=$(token ops-client:ops-secret)
ETAG=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $OPS" "$BASE/admin/tenants/acme" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $OPS" -H "If-Match: $ETAG" -H 'Content-Type: application/json' \
  -d '{"displayName":"Acme Travel","config":{"plan":"standard","rateLimit":{"limit":1000000000,"window":"PT1M","burst":1000000000,"perUser":{"limit":1000000000,"window":"PT1M"}},"features":["trips","helpdesk"],"emailDomains":["acme-travel.example"],"locale":"en-GB"}}' \
  "$BASE/admin/tenants/acme"
for t in $(seq -f '%02g' 1 $((TENANTS - 1))); do
  curl -sf -o /dev/null -H "Authorization: Bearer $OPS" -H 'Content-Type: application/json' -d '{"id":"bench-'"$t"'","displayName":"Bench '"$t"'","config":{"plan":"standard","rateLimit":{"limit":1000000000,"window":"PT1M","burst":1000000000,"perUser":{"limit":1000000000,"window":"PT1M"},"costs":{"helpdesk":1}},"features":["helpdesk"],"emailDomains":["bench-'"$t"'.example"],"locale":"en-GB"}}' "$BASE/admin/tenants"
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $OPS" -H 'Content-Type: application/json' -d '{"value":"'"$KEY"'"}' "$BASE/admin/tenants/bench-$t/secrets/inbound-email-signing-key"
done
psql_admin -d "$DB" <<SQL
insert into travel.helpdesk_article (tenant_id, id, title, body, language)
select case when t = $TENANTS then 'acme' else 'bench-' || lpad(t::text, 2, '0') end, gen_random_uuid(),
  (array['Cancelling a booking','Changing travel dates','Baggage allowance','Refunds','Travel insurance'])[1 + i % 5] || ' ' || i,
  'Article ' || i || ': ' || (array['cancel booking deposit free','change dates fare fee','checked bag cabin baggage kg',
  'refund card working days','insurance illness lost baggage medical'])[1 + i % 5] || ' ' || md5(i::text || t::text),
  'english'
from generate_series(1, $TENANTS) t, generate_series(1, $ARTICLES) i;
analyze travel.helpdesk_article;
SQL
stop_app

echo "tenants $TENANTS x articles $ARTICLES; load average before: $(load)"
echo "measurement	requests/s	p50	p99	non-2xx	load average after"

search() { # label app-args...
  local label=$1 out="$LOG/$1.txt"
  shift
  start_app "$@"
  # acme (ARTICLES articles among the others') searches with its demo client's token
  local acme
  acme=$(token acme-client:acme-secret)
  cat >"$LOG/search.lua" <<'LUA'
local queries = { "baggage allowance", "refund card", "cancel booking", "travel insurance", "change dates fee" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/helpdesk/search?q=" .. queries[(n % #queries) + 1]:gsub(" ", "%%20"))
end
LUA
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LOG/search.lua" -H "Authorization: Bearer $acme" "$BASE" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOG/search.lua" -H "Authorization: Bearer $acme" "$BASE" >"$out"
  report "$label" "$out"
  stop_app
}

ingest() {
  local out="$LOG/ingest.txt"
  start_app
  # Prepared right before the run (the timestamps must be fresh): one line per delivery,
  # timestamp TAB signature TAB body, to a random bench tenant, each its own Message-ID.
  python3 - "$DELIVERIES" "$TENANTS" "$KEY" >"$LOG/deliveries.tsv" <<'PY'
import hashlib, hmac, json, random, sys, time, uuid
count, tenants, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
now = str(int(time.time()))
for i in range(count):
    t = "%02d" % random.randint(1, tenants - 1)
    body = json.dumps({"envelope": {"to": ["support@bench-%s.example" % t], "from": "a@example.com"},
                       "from": "A <a@example.com>", "to": "support@bench-%s.example" % t,
                       "subject": "My baggage is lost", "text": "Please refund my baggage fee.",
                       "headers": "Message-ID: <%s@bench.example>\r\n" % uuid.uuid4()}, separators=(",", ":"))
    sig = hmac.new(key, (now + "." + body).encode(), hashlib.sha256).hexdigest()
    print(now + "\t" + sig + "\t" + body)
PY
  cat >"$LOG/ingest.lua" <<LUA
local threads = {}
local counter = 0
setup = function(thread) thread:set("id", counter); counter = counter + 1; table.insert(threads, thread) end
init = function(args)
  lines = {}
  local i = 0
  for line in io.lines("$LOG/deliveries.tsv") do
    if i % 2 == id then table.insert(lines, line) end
    i = i + 1
  end
  n = 0
end
request = function()
  n = n + 1
  local line = lines[n]
  if line == nil then wrk.thread:stop() return wrk.format("GET", "/actuator/health") end
  local ts, sig, body = line:match("([^\t]+)\t([^\t]+)\t(.*)")
  return wrk.format("POST", "/inbound/email", { ["Content-Type"] = "application/json",
    ["X-Tenancy-Timestamp"] = ts, ["X-Tenancy-Signature"] = "v1=" .. sig }, body)
end
LUA
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LOG/ingest.lua" "$BASE" >"$out"
  report "ingest (deliveries, each a new ticket)" "$out"
  psql_admin -d "$DB" -At -c "select 'stored messages: ' || count(*) from travel.helpdesk_message"
  stop_app
}

ingest
search "search (Redis cache)"
search "search (no cache: PostgreSQL FTS under RLS)" --spring.cache.type=none
echo "== load average at the end: $(load); raw wrk output in $LOG"
