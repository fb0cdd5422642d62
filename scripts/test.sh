#!/usr/bin/env bash
# The whole test suite: installs and starts what it needs, type-checks, then runs
# every unit test (*.test.ts beside the code) and every end-to-end suite (test/).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
ensure_node_deps
ensure_postgres
ensure_redis
ensure_docker
have chromium || apt_install chromium
say "type-checking"
npx tsc -p tsconfig.json
say "building the dashboard (type-checks it too)"
npm run --silent build -w @slipway/dashboard >/dev/null
mapfile -t files < <(find apps packages test -name '*.test.ts' -not -path '*/node_modules/*' -not -path 'test/fixtures/*' | sort)
[ $# -gt 0 ] && files=("$@")
say "running ${#files[@]} test files"
mkdir -p test-output
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-1}" --test-reporter=spec "${files[@]}"
