#!/usr/bin/env bash
# Soak benchmark: 10,000 network calls (5,000 predictor steps with one corrector each) on the bundled small model,
# printing resident memory after the first 10 steps, every 10 %, and at the end. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
exec benchmarks/bin/score-sde-bench bench-memory --steps "${1:-5000}"
