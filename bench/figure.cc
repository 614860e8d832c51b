#include "bench/figure.h"

#include <cmath>
#include <cstdio>

#include <fmt/core.h>

namespace gtsim::bench {
namespace {

// Rates read best whole, milliseconds and ratios with decimals.
std::string number(double value) {
  return std::fabs(value) >= 1000 ? fmt::format("{:.0f}", value) : fmt::format("{:.3f}", value);
}

}  // namespace

Figure ratio_at_least(std::string label, double value, std::string unit, std::string baseline_label,
                      double baseline, double min_ratio) {
  Figure f{std::move(label), value, std::move(unit), std::move(baseline_label), baseline};
  f.target = fmt::format("ratio >= {:.2f}", min_ratio);
  f.met = baseline > 0 && value / baseline >= min_ratio;
  return f;
}

void print_section(std::string_view name, std::string_view title) {
  fmt::print("\n== {}: {}\n", name, title);
  std::fflush(stdout);
}

void print_figure(const Figure& f) {
  const std::string ratio = f.baseline > 0 ? fmt::format("{:.3f}", f.value / f.baseline) : "n/a";
  const std::string verdict = f.met ? (*f.met ? " | PASS" : " | MISS") : "";
  fmt::print("  {}  {} {} | baseline: {} {} {} | ratio {} | target: {}{}\n", f.label,
             number(f.value), f.unit, f.baseline_label, number(f.baseline), f.unit, ratio,
             f.target.empty() ? "none" : f.target, verdict);
  std::fflush(stdout);
}

void print_note(std::string_view text) {
  fmt::print("  {}\n", text);
  std::fflush(stdout);
}

}  // namespace gtsim::bench
