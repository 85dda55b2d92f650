#!/usr/bin/env bash
# Regenerates the collector's generated sources (OCB and mdatagen) in a copy of
# the work tree and compares only those files with the work tree's, so an
# uncommitted edit or a new test elsewhere is never reported as drift.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$root"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$tmp"
if ! (cd "$tmp" && make -s collector-generate) >"$tmp/.generate.log" 2>&1; then
  cat "$tmp/.generate.log" >&2
  exit 1
fi

# What the generators write: the distribution's sources and each component's
# metadata package, generated tests and documentation, and the status block
# of its README.
generated() {
  (cd "$1" && find collector/cmd/seam-collector collector/processor collector/extension exporters -type f \
    \( -path '*/cmd/seam-collector/*' -o -path '*/internal/metadata/*' \
       -o -name 'generated_*.go' -o -name documentation.md -o -name README.md \) | sort)
}
status=0
if ! diff <(generated "$tmp") <(generated "$root") >/dev/null; then
  echo "generated collector files differ in name:" >&2
  diff <(generated "$tmp") <(generated "$root") >&2 || true
  status=1
fi
while read -r f; do
  if ! cmp -s "$tmp/$f" "$root/$f"; then
    echo "generated collector code drifted: $f" >&2
    diff -u "$root/$f" "$tmp/$f" | head -20 >&2 || true
    status=1
  fi
done < <(generated "$tmp")
if [ "$status" -ne 0 ]; then
  echo "run make collector-generate and commit" >&2
fi
exit "$status"
