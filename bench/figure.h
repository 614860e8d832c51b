// Figure: one benchmark result, printed beside the baseline it was measured against in the same
// run, as a ratio, with its target and whether the run met it.
//
// The output is plain lines, for people and for the smoke test alike:
//   == NAME: title                                   (a section: one benchmark)
//     label  VALUE UNIT | baseline: LABEL VALUE UNIT | ratio R | target: T | PASS
//     note text                                      (context: sizes, wire bytes, memory)
// R is value / baseline with three decimals, or "n/a" when the baseline is zero. A figure without
// a target prints "target: none" and no verdict.
//
// Thread-safety: prints to stdout; call from one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gtsim::bench {

struct Figure {
  std::string label;
  double value = 0;
  std::string unit;
  std::string baseline_label;
  double baseline = 0;  // in `unit`
  std::string target;   // e.g. "ratio >= 0.60"; empty: none
  std::optional<bool> met;
};

// A figure whose target is value / baseline >= min_ratio.
Figure ratio_at_least(std::string label, double value, std::string unit, std::string baseline_label,
                      double baseline, double min_ratio);

void print_section(std::string_view name, std::string_view title);
void print_figure(const Figure& figure);
void print_note(std::string_view text);

}  // namespace gtsim::bench
