// The key reference of docs/scenarios.md, generated from the schema (`star-sim keys` prints it;
// a test checks the document still contains it), and the model preset table.
#pragma once

#include <string>

namespace star {

std::string schema_markdown();
std::string presets_markdown();

}  // namespace star
