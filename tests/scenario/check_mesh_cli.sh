#!/usr/bin/env bash
# star-sim on a mesh: a 2 x 2 functional run through the CLI (every run's output equals the
# single-core model bit for bit, ring's within its merge tolerance; report and CSV carry the mesh
# statistics), a note where the packet NoC is far off (shallow buffers), its waveforms, a bad mesh key refused before anything runs, a full layer (bit for bit; kv_split
# refused), and a tiny mesh sweep that writes its CSV and charts.
#   check_mesh_cli.sh STAR_SIM WORK_DIR PLOT_SCRIPT
set -euo pipefail
sim="$1"; work="$2"; plot="$3"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
# refused OUT PATTERN ARGS...: `star-sim run ARGS -o OUT` exits 2 with PATTERN (grep) on stderr and
# writes nothing.
refused() {
  local out="$1" pattern="$2" rc
  shift 2
  set +e
  "$sim" run "$@" -o "$out" 2> "$out.stderr"
  rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$out: exit $rc, expected 2"
  grep -q -- "$pattern" "$out.stderr" || { cat "$out.stderr"; fail "$out: message"; }
  [ -e "$out" ] && fail "$out: a refused run wrote outputs"
  return 0
}

cat > mesh.yaml <<'YAML'
name: mesh-small
mode: functional
workload:
  model: custom
  kind: attention_only
  seq_len: 256
  heads: 4
  kv_heads: 2
  head_dim: 32
  causal: true
mesh:
  width: 2
  height: 2
  controllers: [west:0, east:1]
  orchestration: [query_split, ring]
  compare: [baseline, one_core]
YAML
"$sim" run mesh.yaml -o run > run.stdout
for l in query_split baseline one_core; do
  grep -q "^$l: output equals the single-core model bit for bit (max abs diff 0)" run.stdout \
    || fail "$l: no bit-exact output line"
done
# ring merges SU-FA partials (reassociated sums): within docs/mesh.md's 1e-5 x max |O| (|O| < 4 here).
diff=$(sed -n 's/^ring: output .* the single-core model bit for bit (max abs diff \([^)]*\)).*/\1/p' run.stdout)
[ -n "$diff" ] || fail "ring: no output line"
awk -v d="$diff" 'BEGIN { exit !(d < 4e-5) }' || fail "ring: max abs diff $diff beyond the merge tolerance"
grep -q '"mesh.ring"' run/report.json || fail "report.json lacks the ring run"
grep -q "speedup: .*x over baseline .*x over one core" run.stdout || fail "no speedup line"
grep -q '"speedup_over_one_core"' run/report.json || fail "report.json lacks the speedup"
grep -Eq '^  NoC messages: [1-9][0-9]* requests and writes, mean [0-9.]+ cycles; [1-9][0-9]* responses and core-to-core, mean [1-9][0-9.]* cycles$' \
  run.stdout || fail "no NoC message latency line"
grep -q '"noc_class1_latency"' run/report.json || fail "report.json lacks the NoC message latency"
grep -q '"description"' run/report.json || fail "report.json statistics lack descriptions"
# (grep without -q behind a pipe: -q stops reading early and pipefail would see tr's SIGPIPE)
head -1 run/results.csv | tr ',' '\n' | grep -x "mesh.query_split.mc_1.dram_bytes" >/dev/null || fail "no per-controller DRAM column"
head -1 run/results.csv | tr ',' '\n' | grep -x "mesh.cores_energy_j" >/dev/null || fail "no core energy column"
grep -q "^  controllers: \[west:0, east:1\]$" run/scenario.yaml || fail "controllers not in the resolved scenario"
grep -q "^note: mesh.noc:" run.stdout && fail "a note on the packet model with the default buffers"
# ring on the packet NoC: the summary says how far that is known to be from the flit NoC, once;
# query_split gets no such note.
[ "$(grep -c "^note: mesh.orchestration ring: the packet NoC's makespan was 7.7-11.4 % shorter" run.stdout)" = 1 ] \
  || fail "no single note on ring's packet-NoC error"
grep -q "^note: mesh.orchestration query_split" run.stdout && fail "a note on query_split"
# Buffers shallower than the credit loop with 2 VCs per class: the packet model is far off for
# the mesh's long messages, and the summary says so.
"$sim" run mesh.yaml -s mesh.orchestration=[query_split] -s mesh.compare=[] -s mesh.noc.buffer_flits=2 -o shallow > shallow.stdout
grep -q "^note: mesh.noc: packet fidelity with 2 VCs of 2 flits per class: buffers shallower than the credit loop (7 cycles)" \
  shallow.stdout || fail "no note on shallow buffers"

# Waveforms of a mesh run: every core's stages, every controller's bandwidth and the NoC's links
# (the packet model: link utilisation only, each hop's flits placed over the cycles it takes, so
# never above 1 flit per cycle); the output is still bit for bit.
"$sim" run mesh.yaml -s tracing.enabled=true -s "mesh.orchestration=[query_split]" -o traced > traced.stdout
grep -q "^query_split: output equals the single-core model bit for bit (max abs diff 0)" traced.stdout \
  || fail "traced run: no bit-exact output line"
vcd=traced/trace.vcd
[ -s "$vcd" ] || fail "traced run wrote no trace.vcd"
for scope in core0 core3 mc0 mc1 noc r0_0 r1_1 sufa; do
  grep -q "^\$scope module $scope \$end" "$vcd" || fail "trace.vcd lacks scope $scope"
done
grep -q ' util_east ' "$vcd" || fail "trace.vcd lacks the NoC's link utilisation"
grep -q ' occupancy_mean ' "$vcd" && fail "trace.vcd has packet-model occupancy (its waits are not buffer contents)"
# Every link's utilisation in the VCD $1 within [0, 1], and above 0 somewhere.
util_in_range() {
  awk '$1 == "$var" && $5 ~ /^util_/ { util[$4] = 1 }
       /^r/ { split($0, f, " "); v = substr(f[1], 2) + 0; if ((f[2] in util) && v > 0) { rose = 1; if (v > 1.0001) { print "util " v " > 1"; bad = 1 } } }
       END { if (!rose) print "no link utilisation above 0"; exit bad || !rose }' "$1"
}
util_in_range "$vcd" || fail "trace.vcd: link utilisation out of [0, 1] or never above 0"
# One VC per class: requests pass the other class's K/V tiles (the cycles they take moved after
# them, 1312 -> 1198 us here); no link is counted above 1 flit per cycle either.
cat > mesh-vc.yaml <<'YAML'
name: mesh-vc
mode: performance
workload: {model: custom, kind: attention_only, seq_len: 2048, heads: 8, kv_heads: 8, head_dim: 128, keep: 0.2}
tiling: {tile_keys: 512}
mesh: {width: 4, height: 4, controllers: west_east, noc: {vcs: 2}, orchestration: [query_split], compare: []}
YAML
"$sim" run mesh-vc.yaml -s tracing.enabled=true -s "tracing.modules=[mesh.noc]" -o tracedvc > /dev/null
util_in_range tracedvc/trace.vcd || fail "trace.vcd with one VC per class: link utilisation out of [0, 1]"

# Tracing the NoC and the stages adds no SystemC event, so every run times exactly as untraced.
"$sim" run mesh.yaml -s tracing.enabled=true -s "tracing.modules=[mesh.noc, mesh.core*.sufa]" -o tracednoc > /dev/null
grep -q ' util_east ' tracednoc/trace.vcd || fail "NoC-only trace lacks the links"
diff <(grep makespan run/summary.txt) <(grep makespan tracednoc/summary.txt) || fail "tracing the NoC changed the timing"
refused tracebad "error: tracing.modules: 'mesh.noc.r9_9' selects no module; allowed: .*mesh.mc\*, mesh.noc.r\*_\*" \
  mesh.yaml -s tracing.enabled=true -s "tracing.modules=[mesh.noc.r9_9]"

# Bad mesh keys: exit 2, the key named, nothing written.
refused bad "error: mesh.orchestration: unknown orchestration 'diagonal'" mesh.yaml -s mesh.orchestration=[diagonal]
# ring's buffer must hold one key tile held and one received (K and V: 4 x 64 keys x d 32 x 2 B).
refused badring "error: mesh.ring_buffer_bytes: ring: one key tile (64 keys x d 32 x 2 B = 4096 bytes each of K and V) held and received needs 16384 bytes; the ring buffer (mesh.ring_buffer_bytes) holds 8192 bytes; allowed: at least 16 KiB" \
  mesh.yaml -s mesh.ring_buffer_bytes=8KiB

# A full layer (X and weights in DRAM, K/V generated on demand by the cores), causal, GQA: every
# orchestration that splits full layers equals the single-core model bit for bit.
cat > full.yaml <<'YAML'
name: mesh-full
mode: functional
workload: {model: custom, kind: full_layer, seq_len: 384, d_model: 96, heads: 4, kv_heads: 2, head_dim: 32, causal: true}
tiling: {tile_keys: 128}
mesh: {width: 2, height: 2, orchestration: [query_split, query_split_multicast], compare: [baseline, one_core]}
YAML
"$sim" run full.yaml -o full > full.stdout
grep -q "full layer (d_model 96, in controller 0)" full.stdout || fail "full layer: summary does not say so"
for l in query_split query_split_multicast baseline one_core; do
  grep -q "^$l: output equals the single-core model bit for bit (max abs diff 0)" full.stdout \
    || fail "full layer, $l: no bit-exact output line"
done
grep -q '"speedup_over_one_core"' full/report.json || fail "full layer: report.json lacks the speedup"
# ... and the others are refused, naming the key and the allowed orchestrations.
refused fullbad "error: mesh.orchestration: 'kv_split' splits attention-only layers only (workload.kind is full_layer); allowed with full_layer: baseline, query_split, query_split_multicast" \
  full.yaml -s mesh.orchestration=[query_split,kv_split]

# A tiny sweep over the mesh width (performance mode, automatic batching): CSV and charts. Its
# folder name must not contain "sw/p0": check_sweep_resume.sh looks for leftover points by that
# pattern. 4 heads x 16 blocks x 16 tiles; at most 300 macro cells: k = 4 (256 cells).
cat > sweep.yaml <<'YAML'
name: mesh-sweep
mode: performance
workload: {model: custom, kind: attention_only, seq_len: 2048, heads: 4, kv_heads: 4, head_dim: 32,
           batch_tiles: auto, target_cells: 300}
tiling: {tile_keys: 128}
mesh: {height: 1, compare: [one_core]}
sweep:
  grid:
    mesh.width: [1, 2]
YAML
"$sim" sweep sweep.yaml -o meshsweep -q -j 2 2> sweep.log || { cat sweep.log; fail "sweep failed"; }
[ "$(wc -l < meshsweep/results.csv)" = 3 ] || fail "sweep CSV: expected a header and 2 rows"
head -1 meshsweep/results.csv | tr ',' '\n' | grep -x "mesh.speedup_over_one_core" >/dev/null || fail "sweep CSV lacks the speedup"
col=$(head -1 meshsweep/results.csv | tr ',' '\n' | grep -nx "run.batch_tiles" | cut -d: -f1)
[ -n "$col" ] || fail "sweep CSV lacks run.batch_tiles"
[ "$(tail -n +2 meshsweep/results.csv | cut -d, -f"$col" | sort -u)" = 4 ] || fail "automatic batching: k is not 4"
tr -d ' \n' < meshsweep/p0001/report.json | grep '"batch_tiles":{"one_core":4,"query_split":4}' >/dev/null \
  || fail "report.json lacks the k of each run"
if command -v gnuplot >/dev/null; then
  bash "$plot" meshsweep > plot.log || { cat plot.log; fail "plot_sweep failed"; }
  for f in latency energy mesh_throughput mesh_energy mesh_balance; do
    [ -s "meshsweep/$f.png" ] || fail "meshsweep/$f.png missing"
  done
fi
echo "mesh cli: ok"
