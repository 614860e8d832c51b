#include "viz/charts.h"

#include <algorithm>

#include <fmt/core.h>

#include "viz/svg.h"

namespace gtsim::viz {
namespace {

constexpr double kLeft = 64, kRight = 16, kTop = 28, kBottom = 44;

struct Frame {
  LinearScale x, y;
};

// Axes, grid, tick labels and titles; returns the scales of the plot area.
Frame axes(std::string& out, const std::string& title, const std::string& x_label,
           const std::string& y_label, double x_from, double x_to, double y_to, int width,
           int height, int x_ticks) {
  const Frame f{{x_from, x_to, kLeft, width - kRight}, {0, y_to, height - kBottom, kTop}};
  out +=
      fmt::format("<text class=\"title\" x=\"{}\" y=\"16\">{}</text>", coord(kLeft), escape(title));
  for (double t : ticks(0, y_to, 5)) {
    const std::string y = coord(f.y(t));
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>"
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" dy=\"3\">{}</text>",
        coord(kLeft), coord(width - kRight), y, y, coord(kLeft - 6), y, ms_label(t));
  }
  for (double t : ticks(x_from, x_to, x_ticks)) {
    const std::string x = coord(f.x(t));
    out += fmt::format(
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>"
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        x, x, coord(height - kBottom), coord(height - kBottom + 4), x, coord(height - kBottom + 16),
        ms_label(t));
  }
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
      "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{3}\" y2=\"{2}\"/>"
      "<text class=\"label\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">{6}</text>"
      "<text class=\"label\" transform=\"translate(14 {7}) rotate(-90)\" "
      "text-anchor=\"middle\">{8}</text>",
      coord(kLeft), coord(width - kRight), coord(height - kBottom), coord(kTop),
      coord((kLeft + width - kRight) / 2), coord(height - 6), escape(x_label),
      coord((kTop + height - kBottom) / 2), escape(y_label));
  return f;
}

std::string legend(const std::vector<LegendEntry>& entries) {
  if (entries.empty()) return "";
  std::string out = "<div class=\"legend\">";
  for (const LegendEntry& e : entries) {
    out += fmt::format(
        "<span><svg width=\"26\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" x2=\"25\" "
        "y1=\"5\" y2=\"5\" stroke=\"{}\" stroke-width=\"2.5\"{}/></svg>{}</span>",
        escape(e.color), e.dashed ? " stroke-dasharray=\"5 3\"" : "", escape(e.label));
  }
  return out + "</div>";
}

}  // namespace

std::string line_chart(const Chart& chart) {
  double y_max = 0;
  size_t points = 0;
  for (const Series& s : chart.series) {
    points += s.points.size();
    for (const auto& [x, y] : s.points)
      y_max = std::max(y_max, y);
  }
  if (points == 0) {
    return fmt::format("<p class=\"note\">{}: nothing to show in this run.</p>",
                       escape(chart.title));
  }
  std::string out = fmt::format(
      "<svg id=\"{}\" class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
      escape(chart.id), chart.width, chart.height, escape(chart.title));
  const double x_to = chart.x_to > chart.x_from ? chart.x_to : chart.x_from + 1;
  // Counts get at least 5 on their axis, so its ticks stay whole numbers.
  const Frame f = axes(out, chart.title, chart.x_label, chart.y_label, chart.x_from, x_to,
                       nice_ceiling(chart.counts ? std::max(y_max, 5.0) : y_max), chart.width,
                       chart.height, 10);
  for (const Series& s : chart.series) {
    if (s.points.empty()) continue;
    std::string path;
    for (size_t i = 0; i < s.points.size(); ++i) {
      const auto& [x, y] = s.points[i];
      if (i == 0) {
        path += fmt::format("M{} {}", coord(f.x(x)), coord(f.y(y)));
      } else if (s.steps) {
        path += fmt::format("H{}V{}", coord(f.x(x)), coord(f.y(y)));
      } else {
        path += fmt::format("L{} {}", coord(f.x(x)), coord(f.y(y)));
      }
    }
    if (s.steps) path += fmt::format("H{}", coord(f.x(x_to)));
    out += fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}>"
        "<title>{}</title></path>",
        path, escape(s.color), s.dashed ? " stroke-dasharray=\"6 4\"" : "", escape(s.name));
    // A lone sample has no line to show it.
    if (s.points.size() == 1 && !s.steps) {
      out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
                         coord(f.x(s.points[0].first)), coord(f.y(s.points[0].second)),
                         escape(s.color));
    }
  }
  return out + "</svg>" + legend(chart.legend);
}

std::string histogram(const std::string& title, const std::vector<Bin>& bins,
                      const std::string& x_label, const std::string& color, int width, int height) {
  std::string out = fmt::format(
      "<svg class=\"chart histogram\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">", width,
      height, escape(title));
  int64_t top = 0;
  for (const Bin& b : bins)
    top = std::max(top, b.count);
  const double x_from = bins.empty() ? 0 : bins.front().from;
  const double x_to = bins.empty() ? 1 : bins.back().to;
  const Frame f =
      axes(out, title, x_label, "records", x_from, x_to,
           nice_ceiling(static_cast<double>(std::max<int64_t>(top, 5))), width, height, 5);
  for (const Bin& b : bins) {
    if (b.count == 0) continue;
    const double x0 = f.x(b.from), x1 = f.x(b.to), y = f.y(static_cast<double>(b.count));
    out += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}–{} ms: {} "
        "record(s)</title></rect>",
        coord(x0 + 0.5), coord(y), coord(std::max(0.5, x1 - x0 - 1)), coord(f.y(0) - y),
        escape(color), ms_label(b.from), ms_label(b.to), b.count);
  }
  return out + "</svg>";
}

}  // namespace gtsim::viz
