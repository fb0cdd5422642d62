#!/usr/bin/env bash
# The whole test suite: installs and starts what it needs, type-checks, then runs
# every unit test (*.test.ts beside the code) and every end-to-end suite (test/).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_deps
ensure_postgres
ensure_redis
ensure_docker
ensure_stack_tools
have chromium || apt_install chromium
say "type-checking"
npx tsc -p tsconfig.json
say "building the dashboard (type-checks it too)"
npm run --silent build -w @slipway/dashboard >/dev/null
# Multi-node suites share the slw0 bridge and slw-* namespaces; a run killed mid-way leaves them behind.
if [ -z "${SLIPWAY_KEEP_TEST_NODES:-}" ] && ip link show slw0 >/dev/null 2>&1; then
  say "removing test nodes left by an interrupted run"
  for ns in $(ip netns list | awk '$1 ~ /^slw-/ {print $1}'); do
    ip netns pids "$ns" | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" || true
  done
  ip link del slw0 || true
fi
mapfile -t files < <(find apps packages test -name '*.test.ts' -not -path '*/node_modules/*' -not -path 'test/fixtures/*' | sort)
[ $# -gt 0 ] && files=("$@")
say "running ${#files[@]} test files"
mkdir -p test-output
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-reporter=spec "${files[@]}"
