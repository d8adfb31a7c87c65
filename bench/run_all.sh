#!/usr/bin/env bash
# All figures of bench/README.md in one run, for a quiet machine: `make bench`.
#
#   1. wrk_bench.py      every public page against hello-world with wrk, interleaved (fresh database)
#   2. profile_pages.py  CPU per request in-process, rendered and from the page cache
#   3. burst_bench.py    300 people through pre-registration, mail link and binding registration
#   4. export_bench.py   the participant list PDF, 1,000 rows (twice) and 5,000 rows, against a plain table
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres; database vsop_bench is dropped and
# created), Redis at 127.0.0.1:6379 (database 9, a fresh key prefix per run) and wrk.
# Everything printed goes to bench/output/results-<UTC time>.txt and bench/output/latest.txt.
# Takes about 10–15 minutes on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
mkdir -p bench/output
out="bench/output/results-$(date -u +%Y%m%dT%H%M%SZ).txt"

run() {
  echo
  echo "\$ $*"
  echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$@" || echo "# exit code $? (the other benchmarks still run)"
}

{
  echo "VSOP Events benchmarks, $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  run "$PY" bench/wrk_bench.py --rounds 3 --seconds 5
  run "$PY" bench/profile_pages.py --requests 300
  run "$PY" bench/burst_bench.py --keep-database --conn-max-age 60
  run "$PY" bench/export_bench.py --rows 1000 --repeat 2
  run "$PY" bench/export_bench.py --rows 5000
  echo
  echo "# done $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
cp "$out" bench/output/latest.txt
echo "figures written to $out (and bench/output/latest.txt)"
