// The charts of report.html as inline SVG: a line chart (lines or steps, solid or dashed, with
// labelled axes and a legend) and a histogram.
//
// Sizes are in SVG user units; the SVG scales to the page width. Deterministic output.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gtsim::viz {

struct Series {
  std::string name;  // shown as the tooltip of the line
  std::string color;
  bool dashed = false;
  bool steps = false;  // each value holds until the next point (a sampled level, not a trend)
  std::vector<std::pair<double, double>> points;  // (x, y) in data units, by x
};

struct LegendEntry {
  std::string label;
  std::string color;
  bool dashed = false;
};

struct Chart {
  std::string id;  // the SVG's id attribute
  std::string title, x_label, y_label;
  double x_from = 0, x_to = 1;  // x range; y runs from 0 to a round bound above every point
  bool counts = false;          // y values are counts: the axis shows whole numbers only
  std::vector<Series> series;
  std::vector<LegendEntry> legend;
  int width = 1060, height = 250;
};

// An SVG line chart followed by its legend; with no points, a note that there is nothing to show.
std::string line_chart(const Chart& chart);

struct Bin {
  double from = 0, to = 0;  // x range of the bin
  int64_t count = 0;
};

// An SVG histogram of `bins` (equal widths, by x) with count on the y axis.
std::string histogram(const std::string& title, const std::vector<Bin>& bins,
                      const std::string& x_label, const std::string& color, int width, int height);

}  // namespace gtsim::viz
