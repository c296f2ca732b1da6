#!/usr/bin/env bash
# tools/plot_noc.sh on star-noc's CSV: a sweep of both fidelities gives both charts, a map of both
# fidelities at two rates a chart each (when gnuplot is installed); what is neither is refused
# with a message naming the problem, and no chart is written.
# Usage: check_plot_noc.sh STAR_NOC PLOT_NOC WORK_DIR
set -euo pipefail
noc="$1"; plot="$2"; work="$3"
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# refused FILE PATTERN: plot_noc.sh exits 1, says PATTERN and writes no chart.
refused() {
  local rc=0
  bash "$plot" "$1" charts > "$1.log" 2>&1 || rc=$?
  [ "$rc" = 1 ] || { cat "$1.log"; fail "$1: exit $rc, expected 1"; }
  grep -q -- "$2" "$1.log" || { cat "$1.log"; fail "$1: no message '$2'"; }
  [ ! -e charts ] || fail "$1: a refused CSV made the output folder"
}

"$noc" --mesh 3x3 --rates 0.05,0.2,0.4,0.6 --warmup 200 --measure 1000 --both --csv > sweep.csv
"$noc" --mesh 3x3 --saturation --warmup 200 --measure 1000 --csv > saturation.csv
refused missing.csv "plot_noc: no file 'missing.csv'"
refused saturation.csv "a --saturation CSV holds no sweep of rates"
printf 'a,b,c\n1,2,3\n' > other.csv
refused other.csv "not a star-noc --csv sweep (no column"
head -1 sweep.csv > header.csv
refused header.csv "no runs in the CSV"
sed '3s/^flit,[^,]*,[^,]*,/flit,0.2,0.2,x,/' sweep.csv > text.csv
refused text.csv "line 3: accepted \"x\" is not a number"
"$noc" --mesh 3x3 --pattern hotspot --rates 0.05,0.2 --warmup 200 --measure 1000 --both --map-csv map.csv > /dev/null
sed '4s/,east,1,0,[0-9.e-]*$/,east,1,0,busy/' map.csv > map-text.csv
refused map-text.csv "line 4: value \"busy\" is not a number"
sed '5s/^flit,0.05,link,/flit,0.05,link,x,/' map.csv > map-row.csv
refused map-row.csv "line 5: not a star-noc --map-csv row"
head -1 map.csv > map-header.csv
refused map-header.csv "no routers in the map CSV"
rc=0; bash "$plot" > usage.log 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "no argument: exit $rc, expected 2"
grep -q "tools/plot_noc.sh CSV \[OUT_DIR\]" usage.log || fail "no usage text"
rc=0; bash "$plot" --help > help.log 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "--help: exit $rc, expected 0"
grep -q "tools/plot_noc.sh CSV \[OUT_DIR\]" help.log || fail "--help: no usage text"

if ! command -v gnuplot >/dev/null; then
  echo "gnuplot not installed: charts not checked"
  exit 0
fi
bash "$plot" sweep.csv charts > plot.log 2>&1 || { cat plot.log; fail "plot_noc.sh failed on a sweep"; }
for png in sweep_latency sweep_throughput; do
  [ -s "charts/$png.png" ] || fail "no charts/$png.png"
  [ "$(head -c 4 "charts/$png.png" | tail -c 3)" = "PNG" ] || fail "charts/$png.png is not a PNG"
done
grep -q "wrote charts/sweep_latency.png and charts/sweep_throughput.png" plot.log || fail "no line naming the charts"
bash "$plot" map.csv charts > map.log 2>&1 || { cat map.log; fail "plot_noc.sh failed on a map"; }
for png in map_flit_0.05 map_flit_0.2 map_packet_0.05 map_packet_0.2; do
  [ "$(head -c 4 "charts/$png.png" | tail -c 3)" = "PNG" ] || fail "no PNG charts/$png.png"
done
grep -q "wrote charts/map_flit_0.05.png charts/map_flit_0.2.png charts/map_packet_0.05.png charts/map_packet_0.2.png" map.log \
  || { cat map.log; fail "no line naming the map charts"; }
# A torus: its wrap-around links drawn as stubs off the edge, the plot widened for them.
"$noc" --topology torus --mesh 3x3 --rates 0.2 --warmup 200 --measure 1000 --map-csv torus.csv > /dev/null
grep -q "^flit,0.2,link,2,2,0,east,0,0," torus.csv || fail "no wrap-around link (2,0) -> (0,0) in the torus map"
bash "$plot" torus.csv charts > torus.log 2>&1 || { cat torus.log; fail "plot_noc.sh failed on a torus map"; }
[ "$(head -c 4 charts/torus_flit_0.2.png | tail -c 3)" = "PNG" ] || fail "no PNG charts/torus_flit_0.2.png"
echo "plot_noc checks passed"
