#!/usr/bin/env bash
# Charts of star-noc's CSV: tools/plot_noc.sh CSV [OUT_DIR]
# Writes PNGs into OUT_DIR (default: the CSV's folder), named after the CSV (<name>):
# - from a sweep of rates (`star-noc ... --csv`, one fidelity or both with --both):
#   <name>_latency.png     mean packet latency (solid) and its 99th percentile (dashed) against
#                          the offered load, per fidelity; a cross on each run whose measured
#                          packets did not drain; a log y axis when the latencies span 20x or
#                          more (the knee)
#   <name>_throughput.png  accepted against offered load, per fidelity, with the line where the
#                          two are equal and the hottest link's load (dashed)
# - from a map (`star-noc ... --map-csv FILE`), one chart per fidelity and rate:
#   <name>_<fidelity>_<rate>.png  the mesh, each link an arrow coloured by its flits per cycle
#                          (hot links), each router with its mean buffered flits and its
#                          ejection port's flits per cycle
# e.g. build/bin/star-noc --mesh 8x8 --rates 0.05,0.1,0.2,0.3,0.35,0.4 --both --csv > sweep.csv
#      build/bin/star-noc --mesh 4x4 --pattern hotspot --rates 0.1 --map-csv map.csv
#      tools/plot_noc.sh sweep.csv && tools/plot_noc.sh map.csv
# Needs gnuplot (Debian package gnuplot-nox, installed by tools/setup.sh).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  case "${1:-}" in -h | --help) exit 0 ;; esac
  exit 2
fi
csv="$1"
[ -f "$csv" ] || { echo "plot_noc: no file '$csv' (write it with star-noc ... --csv > FILE)" >&2; exit 1; }
out="${2:-$(dirname "$csv")}"
name="$(basename "$csv")"
name="${name%.*}"

data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
need_gnuplot() {
  command -v gnuplot >/dev/null || { echo "plot_noc: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
  mkdir -p "$out" || { echo "plot_noc: cannot create '$out'" >&2; exit 1; }
}

if [ "$(head -1 "$csv" | tr -d '\r')" = "label,rate,kind,node,x,y,port,to_x,to_y,value" ]; then
  # A map: per fidelity and rate a file of routers (x, y, buffered flits, ejection load) and one
  # of links (arrow start, offset and utilisation); the arrows of a link's two directions are
  # drawn side by side, y growing downwards as in star-noc's grids.
  awk -F, -v dir="$data" '
  NR == 1 { next }
  NF == 0 { next }
  NF != 10 || $5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ || $2 !~ /^[0-9.eE+-]+$/ || $1 !~ /^[a-z]+$/ {
    print "plot_noc: line " NR ": not a star-noc --map-csv row" > "/dev/stderr"; bad = 1; exit 2
  }
  $3 == "router" || $3 == "link" {
    if ($10 !~ /^[0-9.eE+-]+$/) { print "plot_noc: line " NR ": value \"" $10 "\" is not a number" > "/dev/stderr"; bad = 1; exit 2 }
    key = $1 "_" $2
    if (!(key in seen)) { seen[key] = 1; order[++maps] = key }
    if ($5 + 1 > w) w = $5 + 1
    if ($6 + 1 > h) h = $6 + 1
  }
  $3 == "router" { occ[key, $5, $6] = $10; routers[key] = routers[key] " " $5 "," $6 }
  $3 == "link" && $7 == "local" { eject[key, $5, $6] = $10 }
  $3 == "link" && $7 != "local" {
    # The direction from the port (on a torus the wrap-around link leads to the far edge: drawn as a
    # stub leaving its router off the edge of the mesh, the plot widened to show it).
    dx = $7 == "east" ? 1 : $7 == "west" ? -1 : 0; dy = $7 == "south" ? 1 : $7 == "north" ? -1 : 0
    if ($8 - $5 != dx || $9 - $6 != dy) wrap = 1
    s = 0.1  # the side offset, perpendicular to the link
    printf "%g\t%g\t%g\t%g\t%s\n", $5 + 0.25 * dx + (dy != 0 ? (dy > 0 ? s : -s) : 0), \
           $6 + 0.25 * dy + (dx != 0 ? (dx > 0 ? -s : s) : 0), 0.5 * dx, 0.5 * dy, $10 > (dir "/" key ".links")
  }
  END {
    if (bad) exit 2
    if (maps == 0) { print "plot_noc: no routers in the map CSV (only a header)" > "/dev/stderr"; exit 2 }
    for (m = 1; m <= maps; m++) {
      key = order[m]; n = split(substr(routers[key], 2), rs, " ")
      for (i = 1; i <= n; i++) {
        split(rs[i], xy, ",")
        printf "%s\t%s\t%s\t%s\n", xy[1], xy[2], occ[key, xy[1], xy[2]], eject[key, xy[1], xy[2]] + 0 > (dir "/" key ".routers")
      }
      print key > (dir "/maps")
    }
    print w, h, wrap + 0 > (dir "/size")
  }' "$csv" || exit 1
  need_gnuplot
  read -r w h wrap < "$data/size"
  margin=$([ "$wrap" = 1 ] && echo 0.9 || echo 0.6)
  # Pixels per router: 220, fewer on large meshes (at most about 2400 across), at least 40.
  cell=$((2400 / (w > h ? w : h)))
  cell=$((cell > 220 ? 220 : cell < 40 ? 40 : cell))
  made=""
  while read -r key; do
    fidelity="${key%%_*}" rate="${key#*_}"
    png="$out/${name}_${key}.png"
    gnuplot <<GP
set datafile separator "\t"
set terminal pngcairo size $((cell * w + 260)),$((cell * h + 120)) noenhanced font ",10"
set output "$png"
set title "$name: $fidelity, rate $rate. Colour: flits/cycle of each link (box: the ejection port). Box: mean buffered flits"
set size ratio -1
set xrange [-$margin:$w - 1 + $margin]
set yrange [$h - 1 + $margin:-$margin]
set xtics 1
set ytics 1
set xlabel "x"
set ylabel "y"
set cbrange [0:1]
set cblabel "link utilisation (flits/cycle)"
set palette defined (0 "#d0d0d0", 0.3 "#4575b4", 0.6 "#fdae61", 1 "#d73027")
unset key
plot "$data/$key.links" using 1:2:3:4:5 with vectors head filled size 0.08,20 lw 4 lc palette, \
     "$data/$key.routers" using 1:2:(\$1 - 0.2):(\$1 + 0.2):(\$2 - 0.14):(\$2 + 0.14):4 with boxxy fs solid 0.45 border lc rgb "gray30" lc palette, \
     "" using 1:2:(sprintf("%.2f\n(ej %.2f)", \$3, \$4)) with labels font ",9"
GP
    made="$made $png"
  done < "$data/maps"
  echo "plot_noc: wrote$made"
  exit 0
fi
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
need_gnuplot

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
