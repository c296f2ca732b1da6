#!/usr/bin/env bash
# docs/scenarios.md carries the key reference `star-sim keys` generates from the schema, so the
# documentation cannot fall behind the schema.
#   check_docs.sh STAR_SIM DOC
set -euo pipefail
sim="$1"; doc="$2"
diff <(sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$doc" | sed '1d;$d') <("$sim" keys | sed '/^$/,$d') \
  || { echo "FAIL: the key table of $doc differs from 'star-sim keys' (regenerate it)"; exit 1; }
while IFS= read -r line; do
  grep -qF -- "$line" "$doc" || { echo "FAIL: preset row missing from $doc: $line"; exit 1; }
done < <("$sim" keys | sed -n '/^| model/,$p')
echo "docs: ok"
