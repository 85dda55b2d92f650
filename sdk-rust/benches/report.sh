#!/usr/bin/env bash
# Runs the criterion benches ROUNDS times (default 3) and prints each
# round's point estimates with seam's ratio to the raw baseline measured in
# the same round, as a Markdown table. A shared machine is noisy; the median
# ratio over rounds is the figure to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  cargo bench --locked -q -p seam --bench operation --bench log --bench alloc 2>/dev/null |
    awk -v round="$round" '
      /^[a-z_]+\/[a-z_0-9]+/ { name = $1 }
      /time:/ {
        # time:   [low unit mid unit high unit]
        for (i = 1; i <= NF; i++) if ($i ~ /^\[/) { v = $(i + 2); u = $(i + 3); break }
        ns = v; if (u == "µs") ns = v * 1000; else if (u == "ms") ns = v * 1000000
        printf "%s %s %.1f\n", round, name, ns
      }' >>"$out"
done
awk '
  { t[$1, $2] = $3; names[$2] = 1; if ($1 > rounds) rounds = $1 }
  END {
    split("operation/seam_operation:operation/raw_otel operation/seam_handle:operation/raw_otel log/seam_json:log/fmt_json log/seam_json_in_span:log/fmt_json alloc/counting:alloc/system alloc/shared_atomic:alloc/system alloc/counting_8_threads:alloc/system_8_threads alloc/shared_atomic_8_threads:alloc/system_8_threads", pairs, " ")
    printf "| benchmark | baseline |"
    for (r = 1; r <= rounds; r++) printf " round %d (ns, ratio) |", r
    printf "\n|---|---|"
    for (r = 1; r <= rounds; r++) printf "---|"
    printf "\n"
    for (p = 1; p in pairs; p++) {
      split(pairs[p], ab, ":")
      printf "| %s | %s |", ab[1], ab[2]
      for (r = 1; r <= rounds; r++) printf " %.0f vs %.0f = %.2f× |", t[r, ab[1]], t[r, ab[2]], t[r, ab[1]] / t[r, ab[2]]
      printf "\n"
    }
  }' "$out"
