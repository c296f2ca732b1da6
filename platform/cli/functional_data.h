// Functional mode: the generated, quantised layer (or Q/K/V) of a scenario, placed in the SoC's
// memory head-major (soc/job_placement.h), and its accuracy against the dense double-precision
// reference once the core has run.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>

#include "scenario/resolved_scenario.h"
#include "star_core/star_attention_model.h"
#include "soc/star_soc.h"

namespace star {

class FunctionalData {
 public:
  // Generates the inputs and places them; job() is the job to run (flow and RASS as resolved).
  FunctionalData(const ResolvedScenario& sc, StarSoc& soc);
  ~FunctionalData();
  const CoreJob& job() const { return job_; }

  // Accuracy of the core's output (read back from DRAM) for the first head or all heads, and
  // whether it equals the algorithm model's bit for bit. {"skipped": reason} when S is above
  // outputs.accuracy_max_seq_len or accuracy is off.
  nlohmann::json accuracy(const StarSoc& soc) const;

 private:
  struct Inputs;
  const ResolvedScenario& sc_;
  std::unique_ptr<Inputs> in_;
  CoreJob job_;
};

// The attention-only inputs of a job's shape: each K/V head's group of query heads drawn as one
// generate_qkv call (so the group's queries share its keys' structure), packed head-major into
// n_q x heads*d.
QuantizedQkv generate_attention(const CoreJob& shape, RowType type, std::uint64_t seed);

// {"skipped": reason} when the scenario turns accuracy off or S is above its limit; else null.
nlohmann::json accuracy_skipped(const ResolvedScenario& sc, const CoreJob& job);
// Accuracy of `out` (n_q x heads*d) for the first head or all heads against the dense reference,
// and whether it equals the algorithm model's output bit for bit (max_abs_vs_model: the largest
// difference).
nlohmann::json output_accuracy(const ResolvedScenario& sc, const CoreJob& job, const LayerResult& model,
                               const MatF& out);

}  // namespace star
