#!/usr/bin/env bash
# star-sim run: outputs of one run, -s overrides, and the resolved scenario re-running to the same
# results; --help of every subcommand.
#   check_run_outputs.sh STAR_SIM WORK_DIR
set -euo pipefail
sim="$1"; work="$2"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

cat > small.yaml <<'YAML'
name: small
mode: functional
workload:
  model: custom
  seq_len: 256
  heads: 2
  kv_heads: 1
  d_model: 128
  head_dim: 32
tracing:
  enabled: true
YAML
"$sim" run small.yaml -s workload.keep=0.5 -s "algorithm.predictor=int4" -s tiling.subsegments=2 -o a > a.stdout
for f in scenario.yaml report.json results.csv summary.txt version.txt trace.vcd; do
  [ -s "a/$f" ] || fail "a/$f missing or empty"
done
ls -a a | grep -q -e '.tmp-' -e '.partial-' && fail "temporary files left in a/"
grep -q "^  keep: 0.5$" a/scenario.yaml || fail "override workload.keep=0.5 not in the resolved scenario"
grep -q "^  predictor: int4$" a/scenario.yaml || fail "override algorithm.predictor=int4 not resolved"
grep -q "^  tile_keys: 128$" a/scenario.yaml || fail "subsegments=2 did not resolve to 128-key tiles"
grep -q "^    token_buffer: 192 KiB$" a/scenario.yaml || fail "defaults not filled in"
grep -q "latency" a.stdout || fail "no summary table on stdout"
grep -q "equals the algorithm model bit for bit" a.stdout || fail "functional output differs from the model"
grep -q '^\$var' a/trace.vcd || fail "trace.vcd has no signals"
# A module filter that selects nothing (a typo) is refused while the platform is built, naming
# what can be traced; nothing is written.
set +e
"$sim" run small.yaml -s "tracing.modules=[core.sufa, cor.sads]" -o typo 2> typo.stderr
rc=$?
set -e
[ "$rc" = 2 ] || fail "tracing filter typo: exit $rc, expected 2"
grep -q "error: tracing.modules: 'cor.sads' selects no module; allowed: .*core.sads, core.sufa, memory" typo.stderr \
  || { cat typo.stderr; fail "tracing filter typo: message"; }
grep -q "W715" typo.stderr && fail "tracing filter typo: SystemC's empty-trace warning shown"
[ -e typo ] && fail "a refused run wrote outputs"
grep -q '"version"' a/report.json || fail "report.json lacks the version"

# The resolved scenario re-runs to the same results (the output folder aside).
"$sim" run a/scenario.yaml -o b -q
strip() { sed 's/,"\{0,1\}[ab]"\{0,1\},/,DIR,/' "$1"; }
diff <(cut -d, -f1-200 a/results.csv | sed 's#,a,#,DIR,#') <(cut -d, -f1-200 b/results.csv | sed 's#,b,#,DIR,#') \
  || fail "the resolved scenario gave different results"
diff <(grep -v '^#' a/scenario.yaml | sed 's#"a"#DIR#') <(grep -v '^#' b/scenario.yaml | sed 's#"b"#DIR#') \
  || fail "resolving the resolved scenario changed it"

# An override changes the result (negative control for the comparison above).
"$sim" run a/scenario.yaml -s workload.keep=0.25 -o c -q
cmp -s <(sed 's#,a,#,DIR,#' a/results.csv) <(sed 's#,c,#,DIR,#' c/results.csv) && fail "keep 0.25 gave the same results as 0.5"

# Re-running into an existing folder replaces it whole.
"$sim" run small.yaml -o a -q
grep -q "^  keep: 0.25$" a/scenario.yaml || fail "re-run did not replace a/"

# Progress on stderr (normally after 3 s of wall time; here at once), ending at 100 %.
"$sim" run small.yaml -s mode=performance -s workload.seq_len=4096 -o p --progress-after 0 > p.stdout 2> p.stderr
grep -q "star-sim: simulated .*, tiles [0-9]*/[0-9]* (.*), wall .*, ETA" p.stderr || { cat p.stderr; fail "no progress line"; }
tail -1 p.stderr | grep -q "(100.0 %).*(done)" || { cat p.stderr; fail "progress does not end at 100 %"; }
grep -q "star-sim: simulated" p.stdout && fail "progress went to stdout"
"$sim" run small.yaml -o q 2> q.stderr > /dev/null
[ -s q.stderr ] && { cat q.stderr; fail "a short run printed progress"; }

for sub in run validate sweep; do "$sim" "$sub" --help | grep -q "SCENARIO" || fail "$sub --help"; done
"$sim" --help | grep -q sweep || fail "--help"
"$sim" run missing.yaml >/dev/null 2>&1 && fail "a missing file was accepted"
echo "run outputs: ok"
