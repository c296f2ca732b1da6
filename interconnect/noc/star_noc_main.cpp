// star-noc: latency-throughput table of the mesh NoC under synthetic traffic, for a sweep of
// injection rates (flits/node/cycle). Example:
//   star-noc --mesh 8x8 --pattern uniform --rates 0.05,0.1,0.2,0.3,0.4 --fidelity flit
#include <CLI/CLI.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "noc/booksim_config.h"
#include "noc/latency_table.h"
#include "noc/noc_map.h"
#include "noc/saturation_search.h"

namespace {

void parse_mesh(const std::string& text, star::NocConfig& noc) {
  const auto x = text.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("");
    size_t used = 0;
    noc.width = static_cast<uint32_t>(std::stoul(text.substr(0, x), &used));
    if (used != x) throw std::invalid_argument("");
    noc.height = static_cast<uint32_t>(std::stoul(text.substr(x + 1), &used));
    if (used != text.size() - x - 1) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw std::invalid_argument("--mesh '" + text + "' must look like WxH, e.g. 4x4");
  }
}

// CLI11 reads "-1" into an unsigned option as 2^64 - 1; refuse it by name instead.
const CLI::Validator not_negative(
    [](std::string& text) {
      const auto first = text.find_first_not_of(" \t");
      if (first != std::string::npos && text[first] == '-') return "'" + text + "' is negative; a whole number >= 0 is needed";
      // CLI11 reads a number past 2^64 - 1 as 2^64 - 1 without a word.
      uint64_t value = 0;
      const char* begin = text.data() + (first == std::string::npos ? text.size() : first);
      if (std::from_chars(begin, text.data() + text.size(), value).ec == std::errc::result_out_of_range)
        return "'" + text + "' is too large; at most " + std::to_string(std::numeric_limits<uint64_t>::max());
      return std::string();
    },
    "", "not_negative");

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"star-noc: latency-throughput sweep of the STAR-VP mesh network-on-chip"};
  star::NocConfig noc;
  star::TrafficConfig traffic;
  std::string mesh = "4x4", topology = "mesh", routing = "xy", fidelity = "flit", pattern = "uniform";
  std::vector<double> rates{0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4};
  bool csv = false, both = false, map = false, saturation = false;
  star::SaturationSearch search;
  std::string map_csv, booksim;
  app.add_option("--mesh", mesh, "mesh size WxH")->capture_default_str();
  app.add_option("--topology", topology,
                 "mesh | torus (wrap-around links closing each row and column; xy or yx routing, at least 2 VCs "
                 "per class for the dateline)")
      ->capture_default_str();
  app.add_option("--routing", routing, "xy | yx | west_first")->capture_default_str();
  app.add_option("--fidelity", fidelity, "flit | packet")->capture_default_str();
  app.add_flag("--both", both,
               "run flit and packet fidelity: both tables, then the packet model's error against the flit model per rate");
  app.add_flag("--router-detail", noc.packet_router_detail,
               "packet fidelity, several VCs: model VC FIFOs, VC allocation and the switch allocator's nominee");
  app.add_flag("--exact-wormhole", noc.packet_exact_wormhole,
               "packet fidelity, one VC: time the wormhole routers exactly as the flit model (event model)");
  app.add_flag("--body-bypass,!--no-body-bypass", noc.body_flit_bypass,
               "body flits may win switch allocation the cycle they are written, as in BookSim2 (default); "
               "--no-body-bypass: they wait R-2 cycles as heads do");
  app.add_option("--sa-iterations", noc.switch_alloc_iterations,
                 "switch allocator iterations (1: one nominee per input per cycle; the packet model charges the "
                 "arbitrations a single iteration loses)")
      ->capture_default_str()->check(CLI::Range(1, 4));
  app.add_option("--vcs", noc.num_vcs, "virtual channels per port")->capture_default_str()->check(CLI::Range(1u, star::NocConfig::kMaxVcs));
  app.add_option("--buffer", noc.vc_buffer_flits, "flits per VC buffer")->capture_default_str()
      ->check(CLI::Range(1u, star::NocConfig::kMaxVcBufferFlits));
  app.add_option("--stages", noc.router_stages, "router pipeline stages")->capture_default_str()->check(CLI::Range(1, 8));
  app.add_option("--link-latency", noc.link_latency, "link latency (cycles)")->capture_default_str()->check(CLI::Range(0, 64));
  app.add_option("--flit-bits", noc.flit_bits, "link width (bits)")->capture_default_str()->check(not_negative);
  app.add_option("--pattern", pattern, "uniform | transpose | bitcomp | hotspot | neighbour")->capture_default_str();
  std::vector<uint32_t> packet_flits{traffic.packet_flits};
  app.add_option("--packet-flits", packet_flits,
                 "flits per packet; several (comma separated, up to 16): each packet's length drawn among them, "
                 "each as likely (mixed traffic, as requests and responses)")
      ->delimiter(',')->capture_default_str()->check(CLI::Range(1, 1024));
  app.add_flag("--request-response", traffic.request_response,
               "with several --packet-flits: the shortest are requests (class 0), the others responses "
               "(class 1), on a NoC of two VC classes (--vcs split between them)");
  auto* rates_option = app.add_option("--rates", rates, "injection rates, flits/node/cycle (comma separated)")
      ->delimiter(',')->check(CLI::Range(1e-9, 1.0));
  app.add_option("--warmup", traffic.warmup_cycles, "warm-up cycles")->capture_default_str()->check(not_negative);
  app.add_option("--measure", traffic.measure_cycles, "measurement cycles")->capture_default_str()->check(CLI::Range(1ull, 100000000ull));
  app.add_option("--drain-limit", traffic.drain_limit_cycles, "max drain cycles")->capture_default_str()
      ->check(not_negative);
  app.add_option("--seed", traffic.seed, "random seed")->capture_default_str()->check(not_negative);
  auto* hotspot_node = app.add_option("--hotspot-node", traffic.hotspot_node, "hotspot destination node")
      ->capture_default_str()->check(not_negative);
  auto* hotspot_fraction = app.add_option("--hotspot-fraction", traffic.hotspot_fraction, "share of packets to the hotspot")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  app.add_flag("--self-traffic", traffic.self_traffic,
               "send packets to their own node (uniform over all nodes, transpose diagonal) instead of dropping them, "
               "as BookSim2's patterns do");
  app.add_flag("--csv", csv, "print CSV instead of the table");
  auto* saturation_flag = app.add_flag("--saturation", saturation,
               "instead of a sweep: find the zero-load latency, the saturation throughput (accepted at injection rate 1) "
               "and the latency knee by bisection")
      ->excludes(rates_option);
  app.add_option("--knee-factor", search.latency_factor,
                 "--saturation: the knee is where mean latency exceeds this times the zero-load latency")
      ->capture_default_str()->check(CLI::Range(1.01, 1000.0))->needs(saturation_flag);
  app.add_option("--knee-resolution", search.resolution, "--saturation: bisection resolution, flits/node/cycle")
      ->capture_default_str()->check(CLI::Range(0.0001, 0.25))->needs(saturation_flag);
  app.add_flag("--map", map,
               "after each table: per rate, mean buffered flits per router as a mesh grid, the busiest links, and the "
               "mean packet latency per source node as a grid");
  app.add_option("--map-csv", map_csv,
                 "write per-router occupancy, per-link utilisation and per-source packet latency, every rate, as CSV to "
                 "FILE (- for stdout)");
  app.add_option("--booksim-config", booksim,
                 "instead of a run: write the BookSim2 configuration of this network and traffic at the first rate "
                 "to FILE (- for stdout), for comparing with that simulator");
  CLI11_PARSE(app, argc, argv);

  try {
    parse_mesh(mesh, noc);
    noc.routing = star::parse_noc_routing(routing);
    noc.topology = star::parse_noc_topology(topology);
    noc.fidelity = star::parse_noc_fidelity(fidelity);
    traffic.pattern = star::parse_traffic_pattern(pattern);
    if (packet_flits.size() == 1) traffic.packet_flits = packet_flits[0];
    else traffic.packet_flits_mix = packet_flits;
    if (traffic.request_response) {
      if (packet_flits.size() == 1)
        throw std::invalid_argument("--request-response needs several --packet-flits (the shortest are the requests)");
      if (noc.num_vcs % 2)
        throw std::invalid_argument("--request-response splits the VCs between two classes: --vcs " +
                                    std::to_string(noc.num_vcs) + " is odd");
      noc.num_vc_classes = 2;
    }
    noc.validate();
    traffic.validate(noc);
    // Options that would otherwise be ignored without a word.
    const bool packet_runs = both || noc.fidelity == star::NocFidelity::Packet;
    if ((noc.packet_router_detail || noc.packet_exact_wormhole) && !packet_runs)
      throw std::invalid_argument(std::string(noc.packet_router_detail ? "--router-detail" : "--exact-wormhole") +
                                  " refines the packet model; add --fidelity packet or --both");
    if (noc.packet_router_detail && noc.vcs_per_class() == 1)
      throw std::invalid_argument("--router-detail models several VCs per port (--vcs 1 given); with one VC use "
                                  "--exact-wormhole");
    if ((hotspot_node->count() || hotspot_fraction->count()) && traffic.pattern != star::TrafficPattern::Hotspot)
      throw std::invalid_argument("--hotspot-node and --hotspot-fraction apply to --pattern hotspot (pattern is '" +
                                  pattern + "')");
    if (map && csv) throw std::invalid_argument("--map prints text tables; with --csv use --map-csv FILE");
    if (saturation && (map || !map_csv.empty()))
      throw std::invalid_argument("--map and --map-csv show the runs of a sweep; --saturation makes no sweep");
    if (!booksim.empty()) {
      if (saturation || map || !map_csv.empty() || both || csv)
        throw std::invalid_argument("--booksim-config writes a configuration file and runs nothing; it takes none of "
                                    "--saturation, --map, --map-csv, --both, --csv");
      std::string text = star::booksim_config(noc, traffic, rates.front());
      if (rates.size() > 1) {
        std::ostringstream others;
        others << "// The sweep's other rates: for r in";
        for (size_t i = 1; i < rates.size(); ++i) others << ' ' << rates[i];
        others << "; do booksim <this file> injection_rate=$r; done\n";
        text += others.str();
      }
      if (booksim == "-") {
        std::cout << text;
      } else {
        std::ofstream out(booksim);
        if (!out || !(out << text) || !out.flush())
          throw std::invalid_argument("--booksim-config: cannot write '" + booksim + "'");
      }
      return 0;
    }
    traffic.source_latency = map || !map_csv.empty();
    std::ofstream map_file;
    std::ostream* map_out = nullptr;
    if (map_csv == "-") {
      map_out = &std::cout;
    } else if (!map_csv.empty()) {
      map_file.open(map_csv);
      if (!map_file) throw std::invalid_argument("--map-csv: cannot write '" + map_csv + "'");
      map_out = &map_file;
    }
    if (packet_runs) {  // where the packet model is far off, say so before its numbers
      star::NocConfig packet = noc;
      packet.fidelity = star::NocFidelity::Packet;
      const std::string caveat = packet.packet_model_caveat(traffic.max_packet_flits());
      if (!caveat.empty()) std::cerr << "star-noc: warning: " << caveat << "\n";
    }
    const star::MeshTopology topology = noc.mesh();
    bool map_header = true;
    std::vector<star::SweepPoint> flit_points;  // --both: compared with the packet sweep after it
    std::vector<star::NocFidelity> fidelities{noc.fidelity};
    if (both) fidelities = {star::NocFidelity::Flit, star::NocFidelity::Packet};
    for (star::NocFidelity f : fidelities) {
      noc.fidelity = f;
      if (saturation) {
        const star::SaturationResult r = star::find_saturation(noc, traffic, search);
        if (csv) star::print_saturation_csv(std::cout, noc, r, f == fidelities.front());
        else star::print_saturation(std::cout, noc, traffic, search, r);
        continue;
      }
      const auto points = star::run_latency_sweep(noc, traffic, rates);
      if (csv) star::print_latency_csv(std::cout, f, points, f == fidelities.front());
      else star::print_latency_table(std::cout, noc, traffic, points);
      const std::string label = star::to_string(f);
      for (const star::SweepPoint& p : points) {
        char title[96];
        std::snprintf(title, sizeof title, "offered %.3f, %s fidelity", p.result.offered, label.c_str());
        if (map) star::print_noc_map(std::cout, topology, p.result, title);
        if (map_out) {
          star::print_noc_map_csv(*map_out, topology, p.result, label, p.rate, map_header);
          map_header = false;
        }
      }
      if (both && f == star::NocFidelity::Flit) flit_points = points;
      else if (both && !csv) star::print_fidelity_comparison(std::cout, flit_points, points);
    }
    if (map_file.is_open() && !map_file.flush()) throw std::invalid_argument("--map-csv: writing '" + map_csv + "' failed");
  } catch (const std::invalid_argument& e) {
    std::cerr << "star-noc: error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
