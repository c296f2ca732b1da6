// regmap_gen: reads the register-map YAML and writes the C header, the C++ table and the
// Markdown page. Run by CMake at build time. Outputs are rewritten only when their text changes,
// so an edit to one description does not rebuild every user of an unchanged header.
//
// usage: regmap_gen <map.yaml> [--source-name NAME] [--c-header PATH] [--cpp-table PATH]
//                   [--markdown PATH]
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "regmap.h"
#include "regmap_emit.h"

namespace {

void write_if_changed(const std::string& path, const std::string& text) {
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream old;
    if (in) {
      old << in.rdbuf();
      if (old.str() == text) return;
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace star::regmap;
  std::string input, source, c_header, cpp_table, markdown;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--source-name") source = value();
      else if (arg == "--c-header") c_header = value();
      else if (arg == "--cpp-table") cpp_table = value();
      else if (arg == "--markdown") markdown = value();
      else if (!arg.empty() && arg[0] == '-') throw std::invalid_argument("unknown option " + arg);
      else if (input.empty()) input = arg;
      else throw std::invalid_argument("more than one input file");
    } catch (const std::exception& e) {
      std::cerr << "regmap_gen: " << e.what() << "\n";
      return 2;
    }
  }
  if (input.empty()) {
    std::cerr << "usage: regmap_gen <map.yaml> [--source-name NAME] [--c-header PATH] "
                 "[--cpp-table PATH] [--markdown PATH]\n";
    return 2;
  }
  if (source.empty()) source = input;
  try {
    const RegisterMap map = load_register_map(input);
    if (!c_header.empty()) write_if_changed(c_header, emit_c_header(map, source));
    if (!cpp_table.empty()) write_if_changed(cpp_table, emit_cpp_table(map, source));
    if (!markdown.empty()) write_if_changed(markdown, emit_markdown(map, source));
  } catch (const std::exception& e) {
    std::cerr << "regmap_gen: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
