// YAML -> RegisterMap with validation. Every error names the YAML position of the offending node.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "regmap.h"

namespace star::regmap {
namespace {

class Loader {
 public:
  explicit Loader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const {
    fail_at(node.Mark(), what);
  }
  [[noreturn]] void fail_at(const YAML::Mark& mark, const std::string& what) const {
    std::ostringstream os;
    os << source_;
    if (!mark.is_null()) os << ":" << mark.line + 1 << ":" << mark.column + 1;
    os << ": " << what;
    throw std::invalid_argument(os.str());
  }

  // Rejects keys outside `allowed` (a typo would otherwise be silently ignored).
  void check_keys(const YAML::Node& map, const std::string& what,
                  std::initializer_list<const char*> allowed) const {
    if (!map.IsMap()) fail(map, what + " must be a mapping");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        std::string list;
        for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
        fail(kv.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
      }
    }
  }

  YAML::Node require(const YAML::Node& map, const char* key, const std::string& what) const {
    const YAML::Node node = map[key];
    if (!node) fail(map, what + " lacks '" + key + "'");
    return node;
  }

  std::string text(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " must be a scalar");
    return node.Scalar();
  }

  std::uint64_t number(const YAML::Node& node, const std::string& what) const {
    const std::string s = text(node, what);
    try {
      std::size_t used = 0;
      if (!s.empty() && s[0] == '-') throw std::invalid_argument("negative");
      const unsigned long long v = std::stoull(s, &used, 0);
      if (used != s.size()) throw std::invalid_argument("trailing");
      return v;
    } catch (const std::exception&) {
      fail(node, what + " '" + s + "' is not a non-negative integer");
    }
  }

  std::uint32_t number32(const YAML::Node& node, const std::string& what) const {
    const std::uint64_t v = number(node, what);
    if (v > 0xFFFFFFFFull) fail(node, what + " does not fit 32 bits");
    return static_cast<std::uint32_t>(v);
  }

  std::string identifier(const YAML::Node& node, const std::string& what) const {
    const std::string s = text(node, what);
    const bool ok = !s.empty() && !std::isdigit(static_cast<unsigned char>(s[0])) &&
                    std::all_of(s.begin(), s.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                    });
    if (!ok) fail(node, what + " '" + s + "' is not a C identifier");
    return s;
  }

  bool flag(const YAML::Node& node, const std::string& what) const {
    const std::string s = text(node, what);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(node, what + " must be true or false");
  }

  void load_enums(const YAML::Node& node, RegisterMap& map) const {
    if (!node.IsMap()) fail(node, "'enums' must be a mapping of enum name to definition");
    for (const auto& kv : node) {
      EnumType type;
      type.name = identifier(kv.first, "enum name");
      const std::string what = "enum " + type.name;
      check_keys(kv.second, what, {"description", "values"});
      if (kv.second["description"]) type.description = text(kv.second["description"], what);
      const YAML::Node values = require(kv.second, "values", what);
      if (!values.IsSequence() || values.size() == 0) fail(values, what + " needs a list of values");
      std::set<std::string> names;
      std::set<std::uint32_t> numbers;
      for (const auto& v : values) {
        check_keys(v, what + " value", {"name", "value", "description"});
        EnumValue ev;
        ev.name = identifier(require(v, "name", what + " value"), what + " value name");
        ev.value = number32(require(v, "value", what + " " + ev.name), what + " " + ev.name + " value");
        if (v["description"]) ev.description = text(v["description"], what);
        if (!names.insert(ev.name).second) fail(v, what + ": duplicate name " + ev.name);
        if (!numbers.insert(ev.value).second)
          fail(v, what + ": duplicate value " + std::to_string(ev.value) + " (" + ev.name + ")");
        type.values.push_back(ev);
      }
      map.enums.push_back(type);
    }
  }

  // Parses "msb:lsb" or "bit" within a container of `container_bits` bits.
  void parse_bits(const YAML::Node& node, Field& f, unsigned container_bits,
                  const std::string& what) const {
    const std::string s = text(node, what + " bits");
    unsigned msb = 0, lsb = 0;
    char colon = 0, extra = 0;
    std::istringstream is(s);
    bool ok = false;
    if (s.find(':') == std::string::npos) {
      ok = static_cast<bool>(is >> msb) && !(is >> extra);
      lsb = msb;
    } else {
      ok = static_cast<bool>(is >> msb >> colon >> lsb) && colon == ':' && !(is >> extra);
    }
    if (!ok) fail(node, what + " bits '" + s + "' is not 'msb:lsb' or 'bit'");
    if (msb < lsb) fail(node, what + " bits '" + s + "': msb below lsb");
    if (msb >= container_bits)
      fail(node, what + " bits '" + s + "' exceed " + std::to_string(container_bits) + " bits");
    f.lsb = lsb;
    f.width = msb - lsb + 1;
  }

  std::vector<Field> load_fields(const YAML::Node& node, unsigned container_bits,
                                 const std::string& owner, const RegisterMap& map,
                                 bool allow_reset) const {
    if (!node.IsSequence() || node.size() == 0) fail(node, owner + " 'fields' must be a non-empty list");
    std::vector<Field> fields;
    std::vector<YAML::Node> nodes;
    for (const auto& fn : node) {
      if (allow_reset)
        check_keys(fn, owner + " field", {"name", "bits", "reset", "pulse", "enum", "description"});
      else
        check_keys(fn, owner + " field", {"name", "bits", "enum", "description"});
      Field f;
      f.name = identifier(require(fn, "name", owner + " field"), owner + " field name");
      const std::string what = owner + " field " + f.name;
      parse_bits(require(fn, "bits", what), f, container_bits, what);
      if (fn["reset"]) {
        const YAML::Node rn = fn["reset"];
        const std::uint64_t r = number(rn, what + " reset");
        if (f.width < 64 && r >> f.width != 0)
          fail(rn, what + " reset " + text(rn, "") + " does not fit its " + std::to_string(f.width) + " bits");
        f.reset = static_cast<std::uint32_t>(r);
      }
      if (fn["pulse"]) f.pulse = flag(fn["pulse"], what + " pulse");
      if (fn["description"]) f.description = text(fn["description"], what);
      if (fn["enum"]) {
        f.enum_name = identifier(fn["enum"], what + " enum");
        const EnumType* e = map.find_enum(f.enum_name);
        if (!e) fail(fn["enum"], what + ": unknown enum '" + f.enum_name + "'");
        for (const auto& v : e->values)
          if (f.width < 32 && v.value >> f.width != 0)
            fail(fn["enum"], what + ": enum " + e->name + " value " + v.name + " does not fit " +
                                 std::to_string(f.width) + " bits");
      }
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == f.name) fail(fn, what + ": duplicate field name");
        if (fields[i].mask() & f.mask())
          fail(fn, what + " overlaps field " + fields[i].name + " (line " +
                       std::to_string(nodes[i].Mark().line + 1) + ")");
      }
      fields.push_back(f);
      nodes.push_back(fn);
    }
    return fields;
  }

  Access access(const YAML::Node& node, const std::string& what) const {
    const std::string s = text(node, what + " access");
    if (s == "RO") return Access::ro;
    if (s == "RW") return Access::rw;
    if (s == "W1C") return Access::w1c;
    if (s == "WO") return Access::wo;
    fail(node, what + ": unknown access type '" + s + "' (allowed: RO, RW, W1C, WO)");
  }

  void load_registers(const YAML::Node& node, RegisterMap& map) const {
    if (!node.IsSequence() || node.size() == 0) fail(node, "'registers' must be a non-empty list");
    std::vector<YAML::Node> nodes;
    for (const auto& rn : node) {
      check_keys(rn, "register", {"name", "offset", "access", "reset", "description", "fields"});
      Register r;
      r.name = identifier(require(rn, "name", "register"), "register name");
      const std::string what = "register " + r.name;
      const YAML::Node on = require(rn, "offset", what);
      r.offset = number32(on, what + " offset");
      if (r.offset % 4 != 0) fail(on, what + " offset is not a multiple of 4");
      if (r.offset + 4 > map.block_bytes)
        fail(on, what + " offset lies outside register_block_bytes");
      r.access = access(require(rn, "access", what), what);
      if (rn["description"]) r.description = text(rn["description"], what);
      if (rn["fields"]) {
        if (rn["reset"]) fail(rn["reset"], what + ": give reset values per field when it has fields");
        r.fields = load_fields(rn["fields"], 32, what, map, true);
        for (const auto& f : r.fields) r.reset |= f.reset << f.lsb;
        if (r.access != Access::rw && r.pulse_mask() != 0)
          fail(rn, what + ": pulse fields need access RW");
      } else if (rn["reset"]) {
        r.reset = number32(rn["reset"], what + " reset");
      }
      for (std::size_t i = 0; i < map.registers.size(); ++i) {
        if (map.registers[i].name == r.name) fail(rn, what + ": duplicate register name");
        if (map.registers[i].offset == r.offset)
          fail(on, what + " offset overlaps register " + map.registers[i].name + " (line " +
                       std::to_string(nodes[i].Mark().line + 1) + ")");
      }
      map.registers.push_back(r);
      nodes.push_back(rn);
    }
    std::sort(map.registers.begin(), map.registers.end(),
              [](const Register& a, const Register& b) { return a.offset < b.offset; });
  }

  FieldType field_type(const YAML::Node& node, const std::string& what) const {
    const std::string s = text(node, what + " type");
    for (FieldType t : {FieldType::u8, FieldType::u16, FieldType::u32, FieldType::u64,
                        FieldType::i32, FieldType::f32})
      if (s == to_string(t)) return t;
    fail(node, what + ": unknown type '" + s + "' (allowed: u8, u16, u32, u64, i32, f32)");
  }

  void load_descriptor(const YAML::Node& node, RegisterMap& map) const {
    check_keys(node, "descriptor", {"name", "size", "align", "fields"});
    Descriptor& d = map.descriptor;
    d.name = identifier(require(node, "name", "descriptor"), "descriptor name");
    d.size = number32(require(node, "size", "descriptor"), "descriptor size");
    d.align = number32(require(node, "align", "descriptor"), "descriptor align");
    if (d.align == 0 || (d.align & (d.align - 1)) != 0 || d.size == 0 || d.size % d.align != 0)
      fail(node, "descriptor size must be a non-zero multiple of align, a power of two");
    const YAML::Node fields = require(node, "fields", "descriptor");
    if (!fields.IsSequence()) fail(fields, "descriptor fields must be a list");
    std::vector<YAML::Node> nodes;
    for (const auto& fn : fields) {
      check_keys(fn, "descriptor field", {"name", "offset", "type", "enum", "description", "fields"});
      DescriptorField f;
      f.name = identifier(require(fn, "name", "descriptor field"), "descriptor field name");
      const std::string what = "descriptor field " + f.name;
      const YAML::Node on = require(fn, "offset", what);
      f.offset = number32(on, what + " offset");
      f.type = field_type(require(fn, "type", what), what);
      const unsigned w = byte_width(f.type);
      if (f.offset % w != 0) fail(on, what + " offset is not a multiple of its width");
      if (f.offset + w > d.size) fail(on, what + " exceeds the descriptor size");
      if (fn["description"]) f.description = text(fn["description"], what);
      if (fn["enum"]) {
        f.enum_name = identifier(fn["enum"], what + " enum");
        const EnumType* e = map.find_enum(f.enum_name);
        if (!e) fail(fn["enum"], what + ": unknown enum '" + f.enum_name + "'");
        if (f.type == FieldType::f32 || f.type == FieldType::i32) fail(fn["enum"], what + ": enum needs an unsigned type");
        for (const auto& v : e->values)
          if (w < 4 && v.value >> (8 * w) != 0)
            fail(fn["enum"], what + ": enum value " + v.name + " does not fit " + to_string(f.type));
      }
      if (fn["fields"]) {
        if (f.type == FieldType::f32 || f.type == FieldType::u64)
          fail(fn["fields"], what + ": bit fields need u8, u16, u32 or i32");
        f.bit_fields = load_fields(fn["fields"], 8 * w, what, map, false);
      }
      for (std::size_t i = 0; i < d.fields.size(); ++i) {
        const auto& o = d.fields[i];
        if (o.name == f.name) fail(fn, what + ": duplicate field name");
        if (f.offset < o.offset + byte_width(o.type) && o.offset < f.offset + w)
          fail(on, what + " overlaps descriptor field " + o.name + " (line " +
                       std::to_string(nodes[i].Mark().line + 1) + ")");
      }
      d.fields.push_back(f);
      nodes.push_back(fn);
    }
    std::sort(d.fields.begin(), d.fields.end(),
              [](const DescriptorField& a, const DescriptorField& b) { return a.offset < b.offset; });
  }

  RegisterMap load(const YAML::Node& root) const {
    check_keys(root, "the top level", {"block", "register_block_bytes", "overview", "enums", "registers",
                                      "descriptor"});
    RegisterMap map;
    map.block = identifier(require(root, "block", "the top level"), "block");
    const YAML::Node bb = require(root, "register_block_bytes", "the top level");
    map.block_bytes = number32(bb, "register_block_bytes");
    if (map.block_bytes == 0 || map.block_bytes % 4 != 0) fail(bb, "register_block_bytes must be a non-zero multiple of 4");
    if (root["overview"]) map.overview = text(root["overview"], "overview");
    if (root["enums"]) load_enums(root["enums"], map);
    load_registers(require(root, "registers", "the top level"), map);
    load_descriptor(require(root, "descriptor", "the top level"), map);
    return map;
  }

 private:
  std::string source_;
};

}  // namespace

RegisterMap parse_register_map(const std::string& yaml_text, const std::string& source_name) {
  Loader loader(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    loader.fail_at(e.mark, "YAML syntax: " + e.msg);
  }
  if (!root || !root.IsMap()) throw std::invalid_argument(source_name + ": top level must be a mapping");
  try {
    return loader.load(root);
  } catch (const YAML::Exception& e) {  // e.g. a malformed node deep inside
    loader.fail_at(e.mark, e.msg);
  }
}

RegisterMap load_register_map(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_register_map(ss.str(), path);
}

}  // namespace star::regmap
