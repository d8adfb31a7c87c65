#!/usr/bin/env bash
# `make test`: the whole suite in two runs, so that both cores work.
#   1. everything but the browser journeys on all cores (pytest-xdist: a test database per
#      worker, the tests of one file in one worker, a Redis database per worker);
#   2. the browser journeys one after another (one Chromium, one live server at a time).
# Both runs always run. The exit code is that of the first run that failed. A run that selects
# no test (pytest's 5, e.g. PYTEST_ARGS="-k invoice" matches no journey) counts as passed,
# unless neither run found a test.
#
#   bash ops/run-tests.sh [pytest arguments]     # TEST_WORKERS=1 for one process
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

"$PY" -m pytest -m "not browser" -n "${TEST_WORKERS:-auto}" --dist loadfile "$@"
first=$?
echo "== browser journeys (Chromium, one after another)"
"$PY" -m pytest -m browser "$@"
second=$?

for code in "$first" "$second"; do
  if [ "$code" -ne 0 ] && [ "$code" -ne 5 ]; then
    exit "$code"
  fi
done
if [ "$first" -eq 5 ] && [ "$second" -eq 5 ]; then
  exit 5
fi
exit 0
