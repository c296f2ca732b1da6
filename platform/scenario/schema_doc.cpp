#include "scenario/schema_doc.h"

#include <fmt/format.h>

#include "scenario/scenario_schema.h"

namespace star {

namespace {

std::string unit_of(const KeySpec& s) {
  if (s.kind != ValueKind::quantity) return s.kind == ValueKind::integer || s.kind == ValueKind::real ? "-" : "";
  return base_unit(s.dimension);
}

// The units list is in the document's units section, not repeated on every row.
std::string without_units(std::string t) {
  const std::size_t a = t.find(" (units:");
  if (a == std::string::npos) return t;
  return t.erase(a, t.find(')', a) - a + 1);
}

std::string escape(std::string t) {
  std::string out;
  for (char c : t) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string schema_markdown() {
  std::string out = "| key | type | unit | allowed | default | meaning |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const KeySpec& s : scenario_schema()) {
    const char* type = s.kind == ValueKind::integer    ? "integer"
                       : s.kind == ValueKind::real     ? "number"
                       : s.kind == ValueKind::boolean  ? "boolean"
                       : s.kind == ValueKind::choice   ? "choice"
                       : s.kind == ValueKind::quantity ? "quantity"
                       : s.kind == ValueKind::text     ? "string"
                                                       : "list";
    out += fmt::format("| `{}` | {} | {} | {} | `{}` | {} |\n", s.key, type, unit_of(s),
                       escape(without_units(allowed_text(s))), s.default_text, escape(s.doc));
  }
  return out;
}

std::string presets_markdown() {
  std::string out =
      "| model | seq_len | heads | kv_heads | head_dim | d_model | causal | what |\n"
      "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const ModelPreset& p : model_presets())
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n", p.name, p.seq_len, p.heads,
                       p.kv_heads, p.head_dim, p.d_model, p.causal ? "true" : "false", p.doc);
  return out;
}

}  // namespace star
