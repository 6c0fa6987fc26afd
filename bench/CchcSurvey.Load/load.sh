#!/usr/bin/env bash
# Load benchmark: acknowledged submissions per second, p50/p99 latency and the server's peak memory, beside
# the same machine's ceiling for a trivial POST (/bench/echo), measured in the same run with the same client.
#
#   bash bench/CchcSurvey.Load/load.sh [sqlite|postgres|both]      (default: both)
#
# Environment: DURATION (seconds per measurement, 20), CONNECTIONS (64), THREADS (wrk threads, 2), WARMUP (30),
# CCHC_BENCH_POSTGRES (server connection string, default the local cchc superuser), SKIP_BUILD=1.
# The app runs in Release as a separate process on 127.0.0.1 (Production, rate limiting off, logging at
# Warning, SQLite synchronous FULL by default); the load generator is wrk with a Lua script that sends a fresh
# submission id per request and counts only 201/200 as acknowledged.
# Warm-up: each endpoint is loaded for WARMUP seconds before it is measured. The runtime keeps re-compiling hot
# methods (tiered compilation with dynamic PGO) for the first half-minute of load, taking up to a quarter of the
# CPU; a server runs for days, so the figures are of the steady state after that (WARMUP=5 shows the cold start).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
providers="${1:-both}"
[ "$providers" = both ] && providers="sqlite postgres"
DURATION="${DURATION:-20}"; CONNECTIONS="${CONNECTIONS:-64}"; THREADS="${THREADS:-2}"; WARMUP="${WARMUP:-30}"
PG="${CCHC_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=cchc;Password=cchc;Database=postgres}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v wrk >/dev/null; then
  echo "wrk is missing: apt-get install -y wrk" >&2
  exit 1
fi
dll="$root/src/CchcSurvey.Web/bin/Release/net10.0/CchcSurvey.Web.dll"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$dll" ]; then
  dotnet build "$root/src/CchcSurvey.Web" -c Release --nologo -v q >/dev/null
fi

work="$(mktemp -d)"
pid=""
pgdb=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  if [ -n "$pgdb" ]; then
    psql "$(pg_uri postgres)" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Connection string (key=value) to a libpq URI for psql, on the given database.
pg_uri() {
  python3 - "$PG" "$1" <<'PY'
import sys
kv = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
kv = {k.strip().lower(): v for k, v in kv.items()}
print(f"postgresql://{kv.get('username','postgres')}:{kv.get('password','')}@{kv.get('host','127.0.0.1')}:{kv.get('port','5432')}/{sys.argv[2]}")
PY
}

# Runs wrk with a script and prints "rate p50_ms p99_ms acked other errors".
run_wrk() {
  local script="$1" seconds="$2" out
  out="$(cd "$here" && wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "$script" "http://127.0.0.1:$port")"
  python3 - "$out" <<'PY'
import sys
v = dict(l.split(" ", 1) for l in sys.argv[1].splitlines() if l[:1].isupper() and " " in l and l.split(" ")[0].isupper())
acked, other, dur = int(v["ACKED"]), int(v["OTHER"]), int(v["DURATIONUS"]) / 1e6
print(f"{acked / dur:.0f} {int(v['P50US']) / 1000:.1f} {int(v['P99US']) / 1000:.1f} {acked} {other} {v['ERRORS']}")
PY
}

results=()
for provider in $providers; do
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  case "$provider" in
    sqlite)
      db=(--Database:Provider Sqlite --ConnectionStrings:Survey "Data Source=$work/load.db") ;;
    postgres)
      pgdb="cchc_load_$$_$RANDOM"
      db=(--Database:Provider Postgres --ConnectionStrings:Survey "$(python3 -c 'import sys; print(";".join(p for p in sys.argv[1].split(";") if not p.lower().startswith("database=")) + ";Database=" + sys.argv[2])' "$PG" "$pgdb")") ;;
    *) echo "unknown provider $provider" >&2; exit 2 ;;
  esac
  # Production requires an https public address, the allowed host and a key certificate (README, Deployment).
  [ -f "$work/dp.pfx" ] || { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/dp.key" -out "$work/dp.crt" -days 30 -subj "/CN=CchcSurvey load" 2>/dev/null \
      && openssl pkcs12 -export -out "$work/dp.pfx" -inkey "$work/dp.key" -in "$work/dp.crt" -passout pass: ; }
  (cd "$(dirname "$dll")" && exec dotnet "$dll" --urls "http://127.0.0.1:$port" --environment Production "${db[@]}" \
      --Survey:PublicBaseUrl https://khaosat.example.vn --AllowedHosts "127.0.0.1;localhost" --DataProtection:Certificate "$work/dp.pfx" \
      --Demo:Enabled true --Demo:Responses 0 --RateLimiting:Enabled false --Bench:EchoEndpoint true \
      --Logging:LogLevel:Default Warning >"$work/$provider.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/$provider.log" >&2; exit 1; }

  run_wrk echo.lua "$WARMUP" >/dev/null
  run_wrk submit.lua "$WARMUP" >/dev/null
  load_before="$(cut -d' ' -f1 /proc/loadavg)"
  read -r echo_rate echo_p50 echo_p99 _ echo_other _ <<<"$(run_wrk echo.lua "$DURATION")"
  read -r sub_rate sub_p50 sub_p99 sub_acked sub_other sub_errors <<<"$(run_wrk submit.lua "$DURATION")"
  load_after="$(cut -d' ' -f1 /proc/loadavg)"
  peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  if [ -n "$pgdb" ]; then psql "$(pg_uri postgres)" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; pgdb=""; fi
  results+=("$provider $echo_rate $echo_p50 $echo_p99 $sub_rate $sub_p50 $sub_p99 $sub_acked $sub_other $sub_errors $peak_kb $load_before $load_after")
done

echo
echo "CchcSurvey load benchmark: $CONNECTIONS connections, $THREADS wrk threads, ${DURATION}s each; $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-9s | %11s %8s %8s | %11s %8s %8s %9s %8s | %7s | %8s | %s\n' provider "echo req/s" "p50 ms" "p99 ms" "acked/s" "p50 ms" "p99 ms" "% of echo" "non-ack" "peak MB" "errors" "load avg"
for r in "${results[@]}"; do
  read -r p er ep50 ep99 sr sp50 sp99 sa so se kb lb la <<<"$r"
  printf '%-9s | %11s %8s %8s | %11s %8s %8s %8s%% %8s | %7s | %8s | %s -> %s\n' "$p" "$er" "$ep50" "$ep99" "$sr" "$sp50" "$sp99" \
    "$(python3 -c "print(round(100*$sr/max($er,1)))")" "$so" "$((kb / 1024))" "$se" "$lb" "$la"
done
echo "Targets: >= 3000 acknowledged/s, >= 30% of echo, p99 <= 50 ms, peak <= 300 MB."
