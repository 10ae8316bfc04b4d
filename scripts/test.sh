#!/usr/bin/env bash
# The project's test command (`npm test`): typecheck, lint, build, Electronegativity over the
# sources and the build, unit + integration tests
# (vitest, real keychain and simulators), end-to-end tests (Playwright + Debian's Chromium).
# Ends with one line "N passed, N failed[, N skipped]" and a non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -z "${UMBRELLA_PSA_KEYRING:-}" ]; then exec bash scripts/with-keyring.sh bash scripts/test.sh "$@"; fi

export CI_OUT="${CI_OUT:-.ci-out}"
rm -rf "$CI_OUT" && mkdir -p "$CI_OUT"
failed_steps=()
step() {
  local name=$1; shift
  echo "=== $name: $*"
  "$@" || failed_steps+=("$name")
}

step typecheck npm run -s typecheck
step lint npm run -s lint
step build npm run -s build
step electronegativity node scripts/electronegativity.mjs
step tests npx vitest run --reporter=default --reporter=json --outputFile.json="$CI_OUT/vitest.json"
step e2e npx playwright test

# Test runners' failures are counted from their reports; other failed steps count one each.
other_failures=()
for s in "${failed_steps[@]}"; do case "$s" in tests|e2e) ;; *) other_failures+=("$s") ;; esac; done
node scripts/summary.mjs "$CI_OUT/vitest.json" "$CI_OUT/playwright.json" "${other_failures[@]}"
