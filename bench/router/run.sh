#!/usr/bin/env bash
# Router benchmark: wrk against one backend directly, nginx (keep-alive
# upstream) and the Slipway router, at 64 and 256 connections; nginx and the
# router run the same number of worker processes (WORKERS, one per core by
# default); then 10,000 idle WebSockets held through the router and its memory per socket.
# Usage: bash bench/router/run.sh   (DURATION=5s by default)
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$ROOT"
DURATION="${DURATION:-5s}"
ROUNDS="${ROUNDS:-3}"  # targets are interleaved over rounds; the median run is reported (the machine is shared)
WS_COUNT="${WS_COUNT:-10000}"
WORKERS="${WORKERS:-$(nproc)}"
have nginx || apt_install nginx-light
have wrk || apt_install wrk
ensure_redis
ulimit -n 65536 || true

WORK="$(mktemp -d /tmp/slipway-bench-router.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  node --import tsx bench/router/publish.ts --delete "$PREFIX" bench.localhost >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 1 100); do curl -s -o /dev/null -H "host: bench.localhost" "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; die "nothing answers on port $1"; }

B1=$(free_port); B2=$(free_port); NGINX=$(free_port); ROUTER=$(free_port); ADMIN=$(free_port)
PREFIX="slipway_bench_$$:"
for p in "$B1" "$B2"; do node --import tsx bench/router/backend.ts "$p" & PIDS+=($!); done

cat >"$WORK/nginx.conf" <<NGINX
worker_processes $WORKERS;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  upstream app { server 127.0.0.1:$B1 max_fails=1 fail_timeout=10s; server 127.0.0.1:$B2 max_fails=1 fail_timeout=10s; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout;
    }
  }
}
NGINX
nginx -c "$WORK/nginx.conf"

node --import tsx bench/router/publish.ts "$PREFIX" bench.localhost "$B1" "$B2"
ROUTER_WORKERS=$WORKERS ROUTER_HOST=127.0.0.1 ROUTER_PORT=$ROUTER ROUTER_ADMIN_PORT=$ADMIN ROUTES_KEY_PREFIX="$PREFIX" \
  ACCESS_LOG="${ACCESS_LOG:-false}" LOG_LEVEL=warn MAX_CONNECTIONS_PER_CLIENT=0 \
  node --import tsx apps/router/src/main.ts & ROUTER_PID=$!; PIDS+=($ROUTER_PID)
wait_http "$B1"; wait_http "$B2"; wait_http "$NGINX"; wait_http "$ROUTER"

# wrk prints latency with units; report milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
# CPU time of a process and its children (nginx master + workers, router primary + workers), in clock ticks.
cpu_ticks() { local t=0 p; for p in "$1" $(pgrep -P "$1"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
run_wrk() { # name port conns pid
  local c0 out; c0=$(cpu_ticks "$4")
  out=$(wrk -t2 -c"$3" -d"$DURATION" --latency -H "Host: bench.localhost" "http://127.0.0.1:$2/" 2>&1)
  local rps p50 p99 sock non2xx cpu
  cpu=$(( ($(cpu_ticks "$4") - c0) * TICK_US / $(awk '/requests in/ {print $1}' <<<"$out") ))
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  sock=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out"); sock=${sock:-0}
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  echo "$1 $3 $rps $p50 $p99 $((sock + non2xx)) $cpu" >>"$WORK/runs"
}

say "wrk, $DURATION per run, 2 threads, $ROUNDS interleaved rounds; nginx and router: $WORKERS worker processes each; $(nproc) cores shared by wrk, proxies and backends (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
# Warm-up (the router's JIT compiles its hot path in the first seconds), not measured.
for p in "$B1" "$NGINX" "$ROUTER"; do wrk -t2 -c64 -d2s -H "Host: bench.localhost" "http://127.0.0.1:$p/" >/dev/null 2>&1; done
for _ in $(seq 1 "$ROUNDS"); do
  for c in 64 256; do
    run_wrk direct "$B1" "$c" "${PIDS[0]}"
    run_wrk nginx "$NGINX" "$c" "$(cat "$WORK/nginx.pid")"
    run_wrk router "$ROUTER" "$c" "$ROUTER_PID"
  done
done
# workers: processes serving (the direct backend is one); CPU us/req: median over runs of the target's CPU time per request.
printf '%-8s %7s %5s %10s %9s %9s %7s %12s  %s\n' target workers conns 'req/s' 'p50 ms' 'p99 ms' errors 'CPU us/req' 'req/s of every run'
for c in 64 256; do
  for t in direct nginx router; do
    awk -v t="$t" -v c="$c" '$1==t && $2==c' "$WORK/runs" | sort -k3,3n | awk -v w="$([ "$t" = direct ] && echo 1 || echo "$WORKERS")" '
      { rows[NR]=$0; all=all sprintf("%.0f ", $3); errs+=$6; cpu[NR]=$7 }
      END { split(rows[int((NR+1)/2)], m, " "); asort(cpu)
        printf "%-8s %7s %5s %10.0f %9s %9s %7d %12d  %s\n", m[1], w, m[2], m[3], m[4], m[5], errs, cpu[int((NR+1)/2)], all }'
  done
done
for c in 64 256; do
  awk -v c="$c" '$2==c {v[$1]=v[$1] " " $3; u[$1]=u[$1] " " $7} END {
      for (t in v) { n=split(substr(v[t],2), a, " "); asort(a); med[t]=a[int((n+1)/2)]; split(substr(u[t],2), b, " "); asort(b); cpu[t]=b[int((n+1)/2)] }
      printf "router/nginx at %s connections (medians): %.2f of the req/s, %.1fx the CPU per request\n", c, med["router"]/med["nginx"], cpu["router"]/cpu["nginx"] }' "$WORK/runs"
done
say "load after the wrk runs: $(cut -d' ' -f1-3 /proc/loadavg)"

# Memory of the router (primary + workers) before and after holding idle WebSockets.
router_rss_kb() { local t=0; for p in $ROUTER_PID $(pgrep -P "$ROUTER_PID"); do t=$((t + $(awk '/VmRSS/ {print $2}' /proc/$p/status))); done; echo $t; }
sleep 1; BEFORE=$(router_rss_kb)
node --import tsx bench/router/ws-hold.ts "$ROUTER" bench.localhost "$WS_COUNT" >"$WORK/ws.out" & HOLD=$!; PIDS+=($HOLD)
for _ in $(seq 1 600); do grep -q '^open' "$WORK/ws.out" && break; sleep 0.2; done
sleep 2; AFTER=$(router_rss_kb)
say "WebSockets: $(cat "$WORK/ws.out")"
OPEN=$(awk '{print $2}' "$WORK/ws.out")
awk -v b="$BEFORE" -v a="$AFTER" -v n="$OPEN" 'BEGIN {printf "router RSS %.1f MiB -> %.1f MiB with %d idle WebSockets: %.1f KiB per socket\n", b/1024, a/1024, n, (a-b)/n}'
