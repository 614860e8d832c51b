// Building blocks for the inline SVG of report.html: text escaping, fixed-precision numbers,
// linear scales with round tick steps, and a colour per series.
//
// Every number is printed with fixed precision, so identical inputs give identical bytes.
// Thread-safety: pure functions and value types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gtsim::viz {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string escape(std::string_view text);

// A coordinate with one decimal ("12.5").
std::string coord(double value);

// Maps [from, to] of data onto [start, end] of pixels; a zero-width domain maps to `start`.
struct LinearScale {
  double from = 0, to = 1;
  double start = 0, end = 1;
  double operator()(double value) const;
};

// Round tick values (1, 2 or 5 times a power of ten apart) covering [from, to], at most about
// `max_ticks` of them. `from` < `to` is required.
std::vector<double> ticks(double from, double to, int max_ticks);

// A round upper bound for an axis that must show `value` (at least 1): 1, 2, 2.5, 5 or 10 times a
// power of ten.
double nice_ceiling(double value);

// Milliseconds as an axis label: "0", "250", "1 500", "0.5".
std::string ms_label(double ms);

// The i-th colour of a palette that stays distinguishable for about ten series.
const char* series_color(size_t i);

}  // namespace gtsim::viz
