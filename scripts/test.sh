#!/usr/bin/env bash
# The test command (README, CI): prepares this machine, then runs every tier against
# real Postgres, NATS with JetStream and Docker.
#   1. installs npm dependencies and builds (the built CLI writes the NATS config)
#   2. installs and starts Postgres, NATS and Docker (scripts/services.sh), with the
#      Postgres test admin role (test/support/postgres.ts), and Debian's chromium for the
#      dashboard's browser tests
#   3. builds the images offline
#   4. checks dependency rules, ESLint and Prettier formatting (npm run lint), then runs
#      unit, integration and end-to-end tests with jest (jest.config.mjs)
# Set SACP_TEST_TIERS="unit integration" to run only some tiers.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '{"level":"info","component":"test","msg":"%s"}\n' "$*"; }

step "1/5 npm dependencies and build"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build

step "2/5 services: Postgres, NATS with JetStream, Docker; Chromium for the dashboard's browser tests"
# Debian's chromium, driven headless by playwright-core (test/support/browser.ts); no browser download
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }
fi
# with the test admin role: the tests create (as it) and drop a database per test file
SACP_PG_TEST_ADMIN=1 bash scripts/services.sh

step "3/5 images"
bash scripts/build-images.sh

step "4/5 dependency rules, lint and format"
npm run --silent lint:deps
if ! npm run --silent lint; then
  step "lint failed: run 'npm run format' for formatting, fix the ESLint rule named above for the rest"
  exit 1
fi

tiers=${SACP_TEST_TIERS:-unit integration e2e}
step "5/5 tests: $tiers"
status=0
for tier in $tiers; do
  case $tier in
    # jest (jest.config.mjs, one project per tier; package.json's jest:<tier> scripts):
    # unit files two at a time, integration and e2e files one at a time
    unit | integration | e2e) npm run --silent "jest:$tier" || status=1 ;;
    *) echo "unknown test tier: $tier (expected unit, integration, e2e)" >&2; exit 2 ;;
  esac
done
if [ $status -ne 0 ]; then
  step "tests failed: see the ✕ lines and the failures listed after each tier's summary above"
else
  step "all tests passed"
fi
exit $status
