#!/usr/bin/env bash
# tools/plot_noc.sh on star-noc's CSV: a sweep of both fidelities gives both charts (when gnuplot
# is installed); what is not a sweep CSV is refused with a message naming the problem, and no
# chart is written.
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
rc=0; bash "$plot" > usage.log 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "Usage\|plot_noc.sh SWEEP_CSV" usage.log || fail "no usage text (exit $rc)"

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
echo "plot_noc checks passed"
