// A minimal VCD reader for the tracing test: signal names (scopes joined with '.') and the times
// at which each signal changes. Enough to check what a trace file contains, nothing more.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace star::test {

struct VcdContents {
  std::map<std::string, std::string> code_of;                 // full name -> id code
  std::map<std::string, std::vector<std::uint64_t>> changes;  // id code -> change times
  std::map<std::string, std::vector<std::string>> values;     // id code -> values, same order
  bool ok = false;
};

inline VcdContents read_vcd(const std::string& path) {
  VcdContents out;
  std::ifstream f(path);
  if (!f) return out;
  std::vector<std::string> scopes;
  std::string tok;
  std::uint64_t now = 0;
  bool in_defs = true;
  while (f >> tok) {
    if (in_defs) {
      if (tok == "$scope") {
        std::string kind, name;
        f >> kind >> name;
        scopes.push_back(name);
      } else if (tok == "$upscope") {
        if (!scopes.empty()) scopes.pop_back();
      } else if (tok == "$var") {
        std::string type, width, code, name, t;
        f >> type >> width >> code >> name;
        while (f >> t && t != "$end") {
        }  // optional bit range
        // SystemC puts everything under a top scope "SystemC"; names are relative to it.
        std::string full;
        for (std::size_t i = 0; i < scopes.size(); ++i)
          if (i > 0 || scopes[i] != "SystemC") full += scopes[i] + ".";
        out.code_of[full + name] = code;
      } else if (tok == "$enddefinitions") {
        in_defs = false;
      }
      continue;
    }
    if (tok[0] == '#') {
      now = std::stoull(tok.substr(1));
    } else if (tok[0] == 'b' || tok[0] == 'r' || tok[0] == 'B' || tok[0] == 'R') {
      std::string code;
      f >> code;
      out.changes[code].push_back(now);
      out.values[code].push_back(tok.substr(1));
    } else if (tok[0] == '$') {
      continue;  // $dumpvars, $end, ...
    } else {
      const std::string code = tok.substr(1);
      out.changes[code].push_back(now);
      out.values[code].push_back(tok.substr(0, 1));
    }
  }
  out.ok = true;
  return out;
}

}  // namespace star::test
