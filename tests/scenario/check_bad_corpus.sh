#!/usr/bin/env bash
# Every scenario in bad/ must be rejected by `star-sim validate` (exit code 2) with each message
# its `# expect:` lines give (file:line:column, key, allowed values), and by `star-sim run`
# without writing anything.
#   check_bad_corpus.sh STAR_SIM BAD_DIR WORK_DIR
set -uo pipefail
sim="$1"; bad="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work"
cd "$bad"
failures=0; n=0
for f in *.yaml; do
  n=$((n + 1))
  if ! grep -q '^# expect: ' "$f"; then echo "FAIL $f: no '# expect:' line"; failures=$((failures + 1)); continue; fi
  out="$("$sim" validate "$f" 2>&1)"; rc=$?
  if [ "$rc" != 2 ]; then echo "FAIL $f: validate exit code $rc, want 2"; failures=$((failures + 1)); fi
  while IFS= read -r want; do
    case "$out" in
      *"$want"*) ;;
      *) echo "FAIL $f: missing message: $want"; echo "  got: $out"; failures=$((failures + 1)) ;;
    esac
  done < <(sed -n 's/^# expect: //p' "$f")
  # run: same refusal, and no output folder (not even a partial one).
  "$sim" run "$f" -o "$work/$f.out" >/dev/null 2>&1; rc=$?
  if [ "$rc" != 2 ]; then echo "FAIL $f: run exit code $rc, want 2"; failures=$((failures + 1)); fi
  if compgen -G "$work/$f.out*" >/dev/null; then echo "FAIL $f: run wrote output"; failures=$((failures + 1)); fi
done
# A negative control: a good scenario passes, so the corpus fails for its own reasons.
printf 'workload:\n  keep: 0.5\n' > "$work/good.yaml"
"$sim" validate "$work/good.yaml" >/dev/null || { echo "FAIL: a valid scenario was rejected"; failures=$((failures + 1)); }
echo "bad corpus: $n scenarios, $failures failure(s)"
[ "$failures" = 0 ]
