#!/usr/bin/env bash
# Fails if a cargo command that resolves dependencies runs without --locked
# (or --frozen) anywhere the repository runs cargo: Makefiles, shell scripts,
# Dockerfiles and Go tests. With --locked cargo refuses to change Cargo.lock,
# so every build uses exactly the committed, reviewed versions.
set -euo pipefail
cd "$(dirname "$0")/.."
resolving='(build|test|clippy|run|bench|check|doc|fetch|install|metadata|tree)'
problems=0

# Make, shell and Docker: each command of a line (split at && ; |) on its own.
while IFS= read -r hit; do
  while IFS= read -r command; do
    echo "$command" | grep -qE "(\\\$\(CARGO\)|\bcargo)( +[^ ]+)*? +$resolving\b" || continue
    case "$command" in *--locked* | *--frozen*) continue ;; esac
    echo "without --locked: $(echo "$hit" | cut -d: -f1-2): $command" >&2
    problems=$((problems + 1))
  done < <(echo "${hit#*:*:}" | sed -E 's/&&|;|\|/\n/g')
done < <(git ls-files -co --exclude-standard -- 'Makefile' '*.mk' '*.sh' '*Dockerfile*' ':!supplychain/locked.sh' |
  xargs grep -nE "(\\\$\(CARGO\)|\bcargo)( +[^ ]+)*? +$resolving\b" 2>/dev/null | grep -vE ':[0-9]+:\s*#' || true)

# Go: an argument list is often built over several lines, so per file.
while IFS= read -r file; do
  grep -q '"--locked"' "$file" && continue
  echo "without --locked: $file runs cargo" >&2
  problems=$((problems + 1))
done < <(git ls-files -co --exclude-standard -- '*.go' | xargs grep -lE 'exec\.Command(Context)?\((ctx, )?"cargo"|"cargo", ' 2>/dev/null || true)

if [ "$problems" -gt 0 ]; then
  echo "$problems cargo invocations may rewrite Cargo.lock: add --locked" >&2
  exit 1
fi
echo "every cargo invocation is --locked"
