#!/usr/bin/env bash
# A sweep killed with SIGKILL and resumed gives exactly the points of an uninterrupted sweep:
# no point lost, none run twice, no partial output mistaken for a finished one.
# Then the sweep's charts (tools/plot_sweep.sh, when gnuplot is installed).
#   check_sweep_resume.sh STAR_SIM WORK_DIR [PLOT_SCRIPT]
set -euo pipefail
sim="$1"; work="$2"; plot="${3:-}"
rm -rf "$work" && mkdir -p "$work/full" "$work/killed"
fail() { echo "FAIL: $*"; exit 1; }

cat > "$work/sweep.yaml" <<'YAML'
name: resume
mode: functional
workload:
  model: custom
  seq_len: 384
  heads: 2
  kv_heads: 2
  d_model: 128
  head_dim: 32
sweep:
  workers: 2
  grid:
    workload.keep: [0.1, 0.2, 0.3, 0.5]
    algorithm.predictor: [dlzs, int4]
  points:
    - {algorithm.sufa_order: ascending}   # with the dense point below: points must not see each other
    - {schedule: dense}
YAML
points=10

# Relative output folders, so both sweeps record the same outputs.dir.
(cd "$work/full" && "$sim" sweep ../sweep.yaml -o sw -q 2> full.log)
[ "$(ls -d "$work"/full/sw/p0* | wc -l)" = "$points" ] || fail "uninterrupted sweep: wrong number of points"

# Interrupted: kill the sweep (SIGKILL, parent only: its children must die with it) once a
# point or two are done.
cd "$work/killed"
"$sim" sweep ../sweep.yaml -o sw -q -j 1 2> killed.log &
pid=$!
for _ in $(seq 1 600); do
  [ "$(ls -d sw/p0??? 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 0.5
done_before=$(ls -d sw/p0??? 2>/dev/null | wc -l)
[ "$done_before" -ge 1 ] && [ "$done_before" -lt "$points" ] || fail "kill came too early or too late ($done_before points)"
pgrep -f "sw/p0.*--quiet" >/dev/null && fail "a point kept running after the sweep was killed"
[ -e sw/results.csv ] && fail "results.csv written by a killed sweep"

# What a point killed while writing leaves behind (its staging folder, with a complete-looking
# CSV inside): never mistaken for a finished point, removed on resume.
last=$(printf 'p%04d' $((points - 1)))
mkdir -p "sw/$last.partial-999999" && cp "$work/full/sw/p0000/results.csv" "sw/$last.partial-999999/"
"$sim" sweep ../sweep.yaml -o sw -q 2> resumed.log
grep -q "removed [0-9]* unfinished output" resumed.log && [ ! -e "sw/$last.partial-999999" ] || fail "the partial folder was not cleaned up"
grep -q "$points points, $done_before already done, $((points - done_before)) to run" resumed.log \
  || { cat resumed.log; fail "resume did not skip exactly the finished points"; }
ls -a sw | grep -q -e '.partial-' -e '.tmp-' && fail "partial outputs left after resume"
cmp "$work/full/sw/results.csv" sw/results.csv || fail "resumed results.csv differs from the uninterrupted one"
[ "$(($(wc -l < sw/results.csv) - 1))" = "$points" ] || fail "results.csv does not have one row per point"
[ "$(cut -d, -f1 sw/results.csv | sort | uniq -d | wc -l)" = 0 ] || fail "a point appears twice"

# A third run has nothing to do.
"$sim" sweep ../sweep.yaml -o sw -q 2> again.log
grep -q "$points already done, 0 to run" again.log || fail "finished sweep re-ran points"
if [ -n "$plot" ] && command -v gnuplot >/dev/null; then
  bash "$plot" sw > plot.log 2>&1 || { cat plot.log; fail "plot_sweep.sh failed"; }
  for png in latency energy stages busy accuracy; do
    [ -s "sw/$png.png" ] || fail "plot_sweep.sh did not write $png.png"
  done
  grep -q "(x: sweep.changes)" plot.log || { cat plot.log; fail "plot_sweep.sh: points with different keys must be labelled by their changes"; }
fi
echo "sweep resume: ok ($done_before of $points points done before the kill)"
