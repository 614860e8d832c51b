#include "viz/svg.h"

#include <cmath>

#include <fmt/core.h>

namespace gtsim::viz {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string coord(double value) {
  std::string text = fmt::format("{:.1f}", value);
  return text == "-0.0" ? "0.0" : text;
}

double LinearScale::operator()(double value) const {
  if (to == from) return start;
  return start + (value - from) * (end - start) / (to - from);
}

namespace {

double step_for(double span, int max_ticks) {
  const double raw = span / std::max(1, max_ticks);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0}) {
    if (factor * power >= raw) return factor * power;
  }
  return 10 * power;
}

}  // namespace

std::vector<double> ticks(double from, double to, int max_ticks) {
  const double step = step_for(to - from, max_ticks);
  std::vector<double> out;
  for (double i = std::ceil(from / step); i * step <= to + step * 1e-9; ++i)
    out.push_back(i * step);
  return out;
}

double nice_ceiling(double value) {
  if (value <= 1) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (factor * power >= value) return factor * power;
  }
  return 10 * power;
}

std::string ms_label(double ms) {
  if (std::fabs(ms - std::round(ms)) > 1e-9) return fmt::format("{:g}", ms);
  const auto whole = static_cast<long long>(std::llround(ms));
  std::string digits = std::to_string(std::llabs(whole));
  // A thin space between thousands reads in every locale.
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
    digits.insert(static_cast<size_t>(i), "\u2009");
  return (whole < 0 ? "-" : "") + digits;
}

const char* series_color(size_t i) {
  static const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                         "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79"};
  return kPalette[i % (sizeof kPalette / sizeof kPalette[0])];
}

}  // namespace gtsim::viz
