#!/usr/bin/env bash
# Latency-throughput charts of a NoC sweep: tools/plot_noc.sh SWEEP_CSV [OUT_DIR]
# Reads the CSV that `star-noc ... --csv` prints for a sweep of rates (one fidelity, or both with
# --both) and writes PNGs into OUT_DIR (default: the CSV's folder), named after the CSV:
#   <name>_latency.png     mean packet latency (solid) and its 99th percentile (dashed) against
#                          the offered load, per fidelity; points of a saturated run (sources
#                          still queueing when the drain gave up) marked with a cross; a log y
#                          axis when the latencies span 20x or more (the knee)
#   <name>_throughput.png  accepted against offered load, per fidelity, with the line where the
#                          two are equal (the network keeps up) and the hottest link's load
# e.g. build/bin/star-noc --mesh 8x8 --rates 0.05,0.1,0.2,0.3,0.35,0.4 --both --csv > sweep.csv
#      tools/plot_noc.sh sweep.csv
# Needs gnuplot (Debian package gnuplot-nox, installed by tools/setup.sh).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit $([ $# -ge 1 ] && [ $# -le 2 ] && echo 0 || echo 2)
fi
csv="$1"
[ -f "$csv" ] || { echo "plot_noc: no file '$csv' (write it with star-noc ... --csv > FILE)" >&2; exit 1; }
out="${2:-$(dirname "$csv")}"
name="$(basename "$csv")"
name="${name%.*}"

data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
# One tab-separated table per fidelity, in the CSV's order: offered, accepted, mean, p99,
# saturated, hottest link. The header must be star-noc's sweep header (--saturation prints
# another one, with no sweep in it).
awk -F, -v dir="$data" '
NR == 1 {
  for (i = 1; i <= NF; i++) col[$i] = i
  split("fidelity offered accepted lat_mean lat_p99 saturated link_util_max", need, " ")
  for (n in need) if (!(need[n] in col)) {
    if ("saturation_throughput" in col) print "plot_noc: a --saturation CSV holds no sweep of rates; run star-noc --rates ... --csv" > "/dev/stderr"
    else print "plot_noc: not a star-noc --csv sweep (no column " need[n] " in the first line)" > "/dev/stderr"
    bad = 1; exit 2
  }
  next
}
NF == 0 { next }
{
  f = $col["fidelity"]
  if (f !~ /^[a-z]+$/) { print "plot_noc: line " NR ": fidelity \"" f "\" is not a name" > "/dev/stderr"; bad = 1; exit 2 }
  for (n in need) if (need[n] != "fidelity" && $col[need[n]] !~ /^[-+0-9.eE]+$/) {
    print "plot_noc: line " NR ": " need[n] " \"" $col[need[n]] "\" is not a number" > "/dev/stderr"; bad = 1; exit 2
  }
  if (!(f in rows)) order[++fids] = f
  rows[f]++
  printf "%s\t%s\t%s\t%s\t%s\t%s\n", $col["offered"], $col["accepted"], $col["lat_mean"], $col["lat_p99"],
         $col["saturated"], $col["link_util_max"] > (dir "/" f ".tsv")
  if (n_lat++ == 0 || $col["lat_mean"] + 0 < lo) lo = $col["lat_mean"] + 0
  if ($col["lat_p99"] + 0 > hi) hi = $col["lat_p99"] + 0
}
END {
  if (bad) exit 2
  if (fids == 0) { print "plot_noc: no runs in the CSV (only a header)" > "/dev/stderr"; exit 2 }
  for (i = 1; i <= fids; i++) print order[i] > (dir "/fidelities")
  print (lo > 0 && hi >= 20 * lo) ? "set logscale y" : "" > (dir "/logy")
}' "$csv" || exit 1
command -v gnuplot >/dev/null || { echo "plot_noc: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
mkdir -p "$out" || { echo "plot_noc: cannot create '$out'" >&2; exit 1; }

# Each fidelity in a colour of its own: the mean and accepted solid, the p99 and hottest link dashed.
latency="" throughput="" c=0
while read -r f; do
  t="$data/$f.tsv"
  c=$((c + 1))
  [ -n "$latency" ] && latency="$latency, " && throughput="$throughput, "
  latency="$latency\"$t\" using 1:3 with linespoints lc $c lw 2 pt 7 title \"$f: mean\", \"$t\" using 1:4 with linespoints lc $c lw 1 dt 2 pt 6 title \"$f: p99\", \"$t\" using 1:(\$5 > 0 ? \$3 : 1/0) with points pt 2 ps 2.5 lw 2 lc rgb \"black\" notitle"
  throughput="$throughput\"$t\" using 1:2 with linespoints lc $c lw 2 pt 7 title \"$f: accepted\", \"$t\" using 1:6 with linespoints lc $c lw 1 dt 2 pt 4 title \"$f: hottest link\""
done < "$data/fidelities"

gnuplot <<GP
set datafile separator "\t"
set terminal pngcairo size 1000,620 noenhanced font ",10"
set grid
set key top left
set xlabel "offered load (flits/node/cycle)"
set output "$out/${name}_latency.png"
set title "$name: packet latency (x: saturated run)"
set ylabel "latency (cycles)"
$(cat "$data/logy")
plot $latency
unset logscale y
set output "$out/${name}_throughput.png"
set title "$name: accepted throughput"
set ylabel "flits/node/cycle (hottest link: flits/cycle)"
set yrange [0:*]
plot x with lines lc rgb "gray" dt 2 title "accepted = offered", $throughput
GP
echo "plot_noc: wrote $out/${name}_latency.png and $out/${name}_throughput.png"
