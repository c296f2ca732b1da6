#!/usr/bin/env bash
# Charts of a sweep: tools/plot_sweep.sh SWEEP_DIR [X_COLUMN]
# Reads SWEEP_DIR/results.csv (written by `star-sim sweep`) and writes PNGs next to it:
#   latency.png    latency of each point (us)
#   energy.png     device energy of each point (uJ)
#   (latency, energy and tokens/s get a log y axis when their values span 100x or more)
#   stages.png     energy per stage (prediction, selection, formal, SRAM, control, DRAM, ...), stacked
#   busy.png       busy cycles of each pipeline stage (DLZS, SADS, K/V generation, SU-FA)
#   accuracy.png   top-k recall and relative error vs dense (functional-mode sweeps only)
# Mesh sweeps (mesh.* columns) get instead of stages.png and busy.png:
#   mesh_throughput.png  tokens/s, and the speedups over baseline and one core when measured
#   mesh_energy.png      energy of the cores, the NoC and DRAM, stacked
#   mesh_balance.png     mean core utilisation, load imbalance and the hottest link's load
# X_COLUMN is the results.csv column on the x axis (e.g. workload.keep); by default the swept key
# when every point changes the same single key, else each point's list of changes. Points keep
# their sweep order. Needs gnuplot (Debian package gnuplot-nox, installed by tools/setup.sh).
set -euo pipefail
if [ $# -lt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit $([ $# -lt 1 ] && echo 2 || echo 0)
fi
dir="$1"
xcol="${2:-}"
csv="$dir/results.csv"
[ -f "$csv" ] || { echo "plot_sweep: no $csv (run star-sim sweep first)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot_sweep: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }

data="$(mktemp)"
trap 'rm -f "$data"' EXIT
# CSV (quoted fields allowed) -> tab-separated table of the wanted columns, first column the x label.
awk -v xcol="$xcol" '
function split_csv(line, out,    n, i, c, f, q) {
  n = 1; f = ""; q = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ } else q = 0 } else f = f c }
    else if (c == "\"") q = 1
    else if (c == ",") { out[n++] = f; f = "" }
    else if (c != "\r") f = f c
  }
  out[n] = f
  return n
}
BEGIN {
  nw = split("batch.latency_ns batch.device_energy_j energy.stage.prediction_j energy.stage.selection_j energy.stage.formal_j energy.stage.on_chip_memory_j energy.stage.control_j energy.stage.dram_j energy.stage.memory_interface_j energy.stage.dram_background_j core.dlzs.busy_cycles core.sads.busy_cycles core.kvgen.busy_cycles core.sufa.busy_cycles accuracy.topk_recall accuracy.rel_fro_vs_dense mesh.tokens_per_s mesh.speedup_over_baseline mesh.speedup_over_one_core mesh.cores_energy_j mesh.noc_energy_j mesh.dram_energy_j mesh.mean_utilisation mesh.imbalance mesh.hot_link_load", want, " ")
}
NR == 1 { nh = split_csv($0, head); for (i = 1; i <= nh; i++) idx[head[i]] = i; next }
{ rows++; nf = split_csv($0, f); for (i = 1; i <= nf; i++) cell[rows, i] = f[i] }
END {
  ch = idx["sweep.changes"]
  if (xcol == "") {
    # The swept key when every point changes exactly the same one key; else the changes.
    for (r = 1; r <= rows; r++) {
      c = cell[r, ch]; n = gsub(/=/, "=", c)
      k = n == 1 ? substr(c, 1, index(c, "=") - 1) : ""
      if (r == 1) xcol = k
      else if (k != xcol) xcol = ""
    }
    if (xcol == "" || !(xcol in idx)) xcol = "sweep.changes"
  }
  if (!(xcol in idx)) { print "plot_sweep: no column " xcol " in results.csv" > "/dev/stderr"; exit 1 }
  for (r = 1; r <= rows; r++) {
    if (xcol == "sweep.changes") {
      # "a.b.key=value c.other=v w" -> keys "key, other" and values "value, v w"
      n = split(cell[r, ch], tok, " "); keys = ""; vals = ""
      for (t = 1; t <= n; t++) {
        w = tok[t]; e = index(w, "=")
        if (e > 0) {
          m = split(substr(w, 1, e - 1), parts, ".")
          keys = keys (keys == "" ? "" : ", ") parts[m]; vals = vals (vals == "" ? "" : ", ") substr(w, e + 1)
        } else vals = vals " " w
      }
      rowkeys[r] = keys; rowvals[r] = vals
      # Same keys in every point: label by values, name the keys on the axis.
      label = "\001" r
    } else if (index(cell[r, ch], xcol "=") == 1) label = substr(cell[r, ch], length(xcol) + 2)
    else label = cell[r, idx[xcol]]
    gsub(/\t/, " ", label)
    line = label
    for (w = 1; w <= nw; w++) { v = (want[w] in idx) ? cell[r, idx[want[w]]] : ""; line = line "\t" (v == "" ? "NaN" : v) }
    out[r] = line
  }
  same = 1
  for (r = 2; r <= rows; r++) if (rowkeys[r] != rowkeys[1]) same = 0
  if (xcol == "sweep.changes" && same) xname = rowkeys[1]; else xname = xcol
  printf "# x=%s\n", xname
  for (r = 1; r <= rows; r++) {
    line = out[r]
    if (xcol == "sweep.changes") {
      lab = same ? rowvals[r] : ""
      if (!same) { n = split(rowkeys[r], ks, ", "); split(rowvals[r], vs, ", "); for (t = 1; t <= n; t++) lab = lab (t > 1 ? " " : "") ks[t] "=" vs[t] }
      sub(/^\001[0-9]+/, lab, line)
    }
    print line
  }
}' "$csv" > "$data"

x="$(head -1 "$data" | sed 's/^# x=//')"
name="$(basename "$(cd "$dir" && pwd)")"
has_accuracy="$(awk -F'\t' 'NR > 1 && $16 != "NaN" { print "yes"; exit }' "$data")"

has_mesh="$(awk -F'\t' 'NR > 1 && $18 != "NaN" { print "yes"; exit }' "$data")"
has_col() { awk -F'\t' -v c="$1" 'NR > 1 && $c != "NaN" { print "yes"; exit }' "$data"; }
# A logarithmic y axis when column $1's values are all positive and span 100x or more (e.g. a
# sequence-length sweep's S^2 latency), so the small points do not sit flat on the x axis.
logy() {
  awk -F'\t' -v c="$1" 'NR > 1 && $c != "NaN" { v = $c + 0; if (v <= 0) bad = 1; if (n++ == 0 || v < lo) lo = v; if (v > hi) hi = v }
    END { if (n > 1 && !bad && hi >= 100 * lo) print "set logscale y" }' "$data"
}
common='set datafile separator "\t"
set terminal pngcairo size 1100,620 noenhanced font ",10"
set grid ytics
set key outside right
set xtics rotate by -35
set style fill solid 0.8 border -1'

gnuplot <<GP
$common
set xlabel "$x"
set output "$dir/latency.png"
set title "$name: latency"
set ylabel "latency (us)"
$(logy 2)
plot "$data" using 0:(\$2/1e3):xtic(1) with linespoints lw 2 pt 7 title "latency"
unset logscale y
set output "$dir/energy.png"
set title "$name: device energy"
set ylabel "energy (uJ)"
$(logy 3)
plot "$data" using 0:(\$3*1e6):xtic(1) with linespoints lw 2 pt 7 title "device energy"
GP
made="latency.png energy.png"
if [ "$has_mesh" = "yes" ]; then
  speedups=""
  [ "$(has_col 19)" = "yes" ] && speedups="$speedups, \"\" using 0:19 axes x1y2 with linespoints lw 2 pt 5 title \"speedup over baseline\""
  [ "$(has_col 20)" = "yes" ] && speedups="$speedups, \"\" using 0:20 axes x1y2 with linespoints lw 2 pt 9 title \"speedup over one core\""
  # The speedup axis only when a speedup was measured (mesh.compare).
  y2="" title="throughput"
  [ -n "$speedups" ] && y2='set y2label "speedup (x)"; set y2tics; set ytics nomirror' title="throughput and speedup"
  gnuplot <<GP
$common
set xlabel "$x"
set output "$dir/mesh_throughput.png"
set title "$name: $title"
set ylabel "query tokens per second"
$y2
$(logy 18)
plot "$data" using 0:18:xtic(1) with linespoints lw 2 pt 7 title "tokens/s"$speedups
unset logscale y
unset y2label
unset y2tics
set ytics mirror
set output "$dir/mesh_energy.png"
set title "$name: energy of cores, NoC and DRAM"
set ylabel "energy (uJ)"
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
plot "$data" using (\$21*1e6):xtic(1) title "cores", "" using (\$22*1e6) title "NoC", "" using (\$23*1e6) title "DRAM"
set style data linespoints
set output "$dir/mesh_balance.png"
set title "$name: core utilisation, load imbalance, hottest link"
set ylabel "ratio / flits per cycle"
plot "$data" using 0:24:xtic(1) with linespoints lw 2 pt 7 title "mean core utilisation", \
     "" using 0:25 with linespoints lw 2 pt 5 title "imbalance (max/mean busy)", \
     "" using 0:26 with linespoints lw 2 pt 9 title "hottest link (flits/cycle)"
GP
  made="$made mesh_throughput.png mesh_energy.png mesh_balance.png"
else
gnuplot <<GP
$common
set xlabel "$x"
set output "$dir/stages.png"
set title "$name: energy per stage"
set ylabel "energy (uJ)"
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
plot "$data" using (\$4*1e6):xtic(1) title "prediction (DLZS)", \
     "" using (\$5*1e6) title "selection (SADS)", \
     "" using (\$6*1e6) title "formal (K/V gen + SU-FA)", \
     "" using (\$7*1e6) title "on-chip SRAM", \
     "" using (\$8*1e6) title "control", \
     "" using (\$9*1e6) title "DRAM", \
     "" using (\$10*1e6) title "memory interface", \
     "" using (\$11*1e6) title "DRAM background"
set output "$dir/busy.png"
set title "$name: busy cycles per pipeline stage"
set ylabel "busy cycles"
set style histogram clustered gap 1
plot "$data" using 12:xtic(1) title "DLZS", "" using 13 title "SADS", "" using 14 title "K/V generation", "" using 15 title "SU-FA"
GP
made="$made stages.png busy.png"
fi
if [ "$has_accuracy" = "yes" ]; then
  gnuplot <<GP
set datafile separator "\t"
set terminal pngcairo size 1100,620 noenhanced font ",10"
set grid ytics
set key outside right
set xlabel "$x"
set xtics rotate by -35
set output "$dir/accuracy.png"
set title "$name: accuracy (first head)"
set ylabel "top-k recall"
set y2label "relative error vs dense"
set y2tics
set ytics nomirror
plot "$data" using 0:16:xtic(1) with linespoints lw 2 pt 7 title "top-k recall", \
     "" using 0:17 axes x1y2 with linespoints lw 2 pt 5 title "rel. error vs dense"
GP
  made="$made accuracy.png"
fi
echo "plot_sweep: $dir/{${made// /,}} (x: $x)"
