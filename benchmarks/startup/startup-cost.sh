#!/usr/bin/env bash
# Start-up cost and jar footprint of tenancy-spring-boot-starter in a small adopter application.
#
# Builds the application in app/ (Boot web MVC + OAuth2 resource server + JDBC + PostgreSQL, one
# controller) twice as a fat jar, without and with the starter of CHECKOUT, then
#   (a) compares the jars: size, number of jars in BOOT-INF/lib, and which jars the starter adds;
#   (b) starts each RUNS times, alternating (plain, tenancy, plain, ...), and takes for each start
#       the wall time from launching `java -jar` to the first HTTP answer on /api/ping (401: the
#       endpoint is behind the resource server in both apps), Boot's own "Started ... in X seconds
#       (process running for Y)", and the JVM's CPU time and resident memory at that moment.
#
# The starter comes from CHECKOUT without installing anything: a throw-away aggregator in a temp
# directory lists CHECKOUT's root pom and the two applications as modules and runs `package` with
# -am, so Maven resolves tenancy-spring-boot-starter and tenancy-core from that reactor (their
# target/ directories in CHECKOUT are rebuilt; ~/.m2 only receives third-party artifacts).
#
# Needs: JDK 17+ (java on PATH or JAVA), curl, unzip, psql, and PostgreSQL at PGHOST:PGPORT (default
# 127.0.0.1:5432) where PGUSER (default postgres) may create roles: both apps log in as the role
# startup_app (created if missing, no superuser, no BYPASSRLS, as the starter's row-level security
# check demands of an application's role). Uses PORT (default 18090).
# Usage: benchmarks/startup/startup-cost.sh CHECKOUT [RUNS] [PORT]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "${1:?usage: startup-cost.sh CHECKOUT [RUNS] [PORT]}" && pwd)
RUNS=${2:-5}
PORT=${3:-18090}
JAVA=${JAVA:-java}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
POSTGRES_URL="jdbc:postgresql://$PGHOST:$PGPORT/postgres?user=startup_app"
psql -q -v ON_ERROR_STOP=1 -d postgres -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'startup_app')
  then create role startup_app login nosuperuser nobypassrls; end if; end \$\$"
WORK=$(mktemp -d /tmp/startup-cost.XXXXXX)

# The tenancy version is the one in CHECKOUT's root pom (the version right after tenancy-parent).
VERSION=$(sed -n '/<artifactId>tenancy-parent<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$CHECKOUT/pom.xml")
STARTER="<dependency><groupId>dev.tenancy</groupId><artifactId>tenancy-spring-boot-starter</artifactId><version>$VERSION</version></dependency>"
for variant in plain tenancy; do
  mkdir -p "$WORK/$variant"
  cp -r "$HERE/app/src" "$WORK/$variant/"
  dependency=""
  [ "$variant" = tenancy ] && dependency=$STARTER
  sed -e "s|@ARTIFACT@|startup-$variant|g" -e "s|<!--TENANCY-->|$dependency|" "$HERE/app/pom.xml" >"$WORK/$variant/pom.xml"
done
cat >"$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>startup-cost-aggregator</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <modules>
    <module>$(realpath --relative-to="$WORK" "$CHECKOUT")</module>
    <module>plain</module>
    <module>tenancy</module>
  </modules>
</project>
POM

echo "== building in $WORK (tenancy $VERSION from $CHECKOUT, $(git -C "$CHECKOUT" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout'))"
"$CHECKOUT/mvnw" -B -q -f "$WORK/pom.xml" -pl plain,tenancy -am \
  -Dmaven.test.skip=true -Dspring-javaformat.validate.skip=true package

PLAIN=$WORK/plain/target/startup-plain.jar
TENANCY=$WORK/tenancy/target/startup-tenancy.jar

# (a) Footprint.
libs() { unzip -Z1 "$1" 'BOOT-INF/lib/*' | sed 's|BOOT-INF/lib/||' | sort; }
libs "$PLAIN" >"$WORK/plain.libs"
libs "$TENANCY" >"$WORK/tenancy.libs"
size() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
echo
echo "== footprint"
printf '| app | fat jar | jars in BOOT-INF/lib |\n| --- | --- | --- |\n'
printf '| without the starter | %s MB | %s |\n' "$(mb "$(size "$PLAIN")")" "$(wc -l <"$WORK/plain.libs")"
printf '| with the starter | %s MB | %s |\n' "$(mb "$(size "$TENANCY")")" "$(wc -l <"$WORK/tenancy.libs")"
echo
echo "jars the starter adds (compressed size inside the fat jar):"
unzip -v "$TENANCY" 'BOOT-INF/lib/*' | awk '$8 ~ /^BOOT-INF\/lib\// { sub("BOOT-INF/lib/", "", $8); print $8, $3 }' | sort >"$WORK/tenancy.sizes"
comm -13 "$WORK/plain.libs" "$WORK/tenancy.libs" | while read -r jar; do
  awk -v j="$jar" '$1 == j { printf "  %-60s %7.1f kB\n", j, $2 / 1024 }' "$WORK/tenancy.sizes"
done
removed=$(comm -23 "$WORK/plain.libs" "$WORK/tenancy.libs")
[ -n "$removed" ] && echo "jars only in the app without the starter (a version changed?):" && echo "$removed" | sed 's/^/  /'

# (b) Start-up, alternating the two apps.
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "something already answers on port $PORT; give another port as the third argument" >&2; exit 1
fi
run_once() {
  local variant=$1 jar=$2 run=$3 log="$WORK/$1-$3.log" start end code pid rss cpu
  start=$(date +%s%N)
  "$JAVA" -jar "$jar" --server.port="$PORT" --spring.datasource.url="$POSTGRES_URL" >"$log" 2>&1 &
  pid=$!
  code=000
  for _ in $(seq 1 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/ping" || true)
    [ "$code" != 000 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  end=$(date +%s%N)
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
  # CPU seconds (user + system, all threads) the JVM spent until then: less sensitive than wall
  # time to other work on the machine. Fields 14 and 15 of /proc/PID/stat, in clock ticks.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$pid/stat" 2>/dev/null || echo 0)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$code" = 000 ]; then echo "$variant run $run never answered; see $log" >&2; exit 1; fi
  # "Started StartupApp in 2.345 seconds (process running for 2.789)"
  sed -n 's/.*Started StartupApp in \([0-9.]*\) seconds (process running for \([0-9.]*\)).*/\1 \2/p' "$log" |
    awk -v v="$variant" -v r="$run" -v ms=$(((end - start) / 1000000)) -v c="$code" -v rss="$rss" -v cpu="$cpu" \
      '{ printf "%s %s %d %s %s %d %s %s\n", v, r, ms, $1, $2, rss / 1024, cpu, c }' >>"$WORK/runs.txt"
}
echo
echo "== start-up, $RUNS runs each, alternating (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
"$JAVA" -version 2>&1 | head -1
run_once plain "$PLAIN" warmup >/dev/null; run_once tenancy "$TENANCY" warmup >/dev/null
: >"$WORK/runs.txt"
for run in $(seq 1 "$RUNS"); do
  run_once plain "$PLAIN" "$run"
  run_once tenancy "$TENANCY" "$run"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "every run (variant, run, ms to first HTTP answer, Boot's started-in s, process-running-for s, RSS MB, CPU s, status):"
sed 's/^/  /' "$WORK/runs.txt"
stats() { # column of runs.txt for a variant -> "median (min-max)"
  awk -v v="$1" -v c="$2" '$1 == v { print $c }' "$WORK/runs.txt" | sort -g |
    awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%s (%s-%s)", m, a[1], a[NR] }'
}
median() { stats "$1" "$2" | cut -d' ' -f1; }
echo
printf '| app | to first HTTP answer, ms | Boot "started in", s | Boot "process running for", s | CPU to ready, s | RSS at ready, MB |\n| --- | --- | --- | --- | --- | --- |\n'
for variant in plain tenancy; do
  printf '| %s | %s | %s | %s | %s | %s |\n' "$variant" "$(stats $variant 3)" "$(stats $variant 4)" "$(stats $variant 5)" \
    "$(stats $variant 7)" "$(stats $variant 6)"
done
# Ratios run by run (each tenancy start against the plain start just before it), then their median:
# pairing keeps the ratio meaningful while the machine's load drifts.
paired() {
  awk -v c="$1" '$1 == "plain" { p[$2] = $c } $1 == "tenancy" { print $c / p[$2] }' "$WORK/runs.txt" | sort -g |
    awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f (%.2f-%.2f)", m, a[1], a[NR] }'
}
echo "with/without the starter, median of the paired ratios: first HTTP answer $(paired 3), Boot's started-in $(paired 4), CPU $(paired 7)"
echo "logs and jars: $WORK"
