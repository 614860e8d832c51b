#include "viz/html_report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/core.h>

#include "model/errors.h"
#include "scenarios/units.h"
#include "viz/charts.h"
#include "viz/space_time.h"
#include "viz/svg.h"

namespace gtsim::viz {
namespace {

using scenarios::format_duration;
using scenarios::LinkId;
using scenarios::Micros;
using scenarios::Report;

// Rows of a long table shown before "... and N more".
constexpr size_t kTableRows = 100;
// Lists up to this long are shown open; longer ones start folded.
constexpr size_t kOpenRows = 15;
constexpr int kHistogramBins = 20;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:20px 24px 48px;background:#fff}
h1{font-size:24px;margin:4px 0 6px}h2{font-size:18px;margin:30px 0 8px;border-bottom:1px solid #e3e5e8;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
p.lead{color:#444;margin:0 0 8px;white-space:pre-line}.facts{color:#555}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{border:1px solid #e3e5e8;border-radius:6px;padding:8px 12px;min-width:110px}
.card b{display:block;font-size:20px}.card span{color:#666;font-size:12px}
.card.bad{border-color:#d62728;background:#fdf1f1}.card.good{border-color:#2ca02c;background:#f2faf2}
table{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:13px}
th,td{border-bottom:1px solid #eceef1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f1a;font-weight:600}.fail{color:#c01818;font-weight:600}
.note{color:#666;font-size:12.5px}code{background:#f3f4f6;padding:0 3px;border-radius:3px}
svg.chart,svg.spacetime{width:100%;height:auto;display:block}
svg text{font:11px system-ui,sans-serif;fill:#333}svg text.title{font-weight:600;font-size:12px}
svg text.tick{fill:#555;font-size:10px}svg text.label{fill:#444}
svg line.grid{stroke:#eceef1}svg line.axis{stroke:#999}
.hists{display:grid;grid-template-columns:repeat(3,1fr);gap:8px 16px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:#444;margin:4px 0 8px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.swatch{display:inline-block;width:22px;height:12px;border-radius:2px}
.swatch.down,rect.shade.down{fill:#555;background:#555;fill-opacity:.28;opacity:.9}
.swatch.down{opacity:.35}
.swatch.cut,rect.shade.cut{fill:#ff7f0e;background:#ff7f0e;fill-opacity:.2}.swatch.cut{opacity:.3}
.swatch.paused,rect.shade.paused{fill:#bcbd22;background:#bcbd22;fill-opacity:.25}.swatch.paused{opacity:.35}
.swatch.absent,rect.shade.absent{fill:#ccc;background:#ccc;fill-opacity:.5}.swatch.absent{opacity:.6}
svg .lane line{stroke:#b9bec6;stroke-width:1.5}svg .lane text{font-weight:600;font-size:12px}
svg text.shade-label{font-size:9.5px;fill:#555}
svg line.arrow{stroke-width:1.2;stroke-opacity:.6}svg line.arrow.conflict{stroke-width:2;stroke-opacity:.95}
svg line.arrow.ignored{stroke-dasharray:4 3}
svg .conflict-ring{fill:none;stroke:#d62728;stroke-width:2}
svg .mark.write{stroke:#fff;stroke-width:1}svg .mark.write.lost{stroke:#7a0000;stroke-width:2}
svg .mark.read{fill:#fff;stroke-width:1.5}svg .mark.read.stale{fill:#ffbf00}
svg .mark.failed{stroke:#888;stroke-width:2;fill:none}svg .mark.pending{fill:none;stroke:#888;stroke-dasharray:2 2}
svg text.lost-label{fill:#c01818;font-weight:700;font-size:10px;text-anchor:middle}
svg text.version-label{font-size:9.5px;fill:#444;text-anchor:middle}
.controls select{font:inherit;padding:2px 4px}
summary{cursor:pointer;color:#444;margin:4px 0}
)";

constexpr const char* kScript = R"(
document.getElementById('key-view').addEventListener('change', function (event) {
  document.querySelectorAll('.st-view').forEach(function (view) {
    view.hidden = view.id !== event.target.value;
  });
});
)";

std::string link_name(const LinkId& link) {
  return link.first + " → " + link.second;
}

// Milliseconds with three decimals, as in the terminal summary.
std::string ms(Micros us) {
  return fmt::format("{}{}.{:03}", us < 0 ? "-" : "", std::llabs(us) / 1000, std::llabs(us) % 1000);
}

std::string key_text(const std::string& table, const Key& key) {
  return escape(table + " " + to_display_string(key));
}

std::string version_text(const Version& v) {
  return escape(fmt::format("{} (ts {})", version_label(v.id), v.timestamp_us));
}

// A list of findings: a table inside <details>, open when short, so a run with hundreds of
// conflicts stays a page one can scroll. At most kTableRows rows are listed.
std::string open_list(size_t count, const std::string& noun, const std::string& header) {
  return fmt::format("<details{}><summary>{} {}</summary><table>{}",
                     count <= kOpenRows ? " open" : "", count, escape(noun), header);
}

std::string close_list(size_t total, size_t columns) {
  std::string out;
  if (total > kTableRows) {
    out = fmt::format(
        "<tr><td colspan=\"{}\" class=\"note\">… and {} more (report.json lists "
        "all)</td></tr>",
        columns, total - kTableRows);
  }
  return out + "</table></details>";
}

std::string card(const std::string& value, const std::string& what, const char* tone) {
  return fmt::format("<div class=\"card {}\"><b>{}</b><span>{}</span></div>", tone, escape(value),
                     escape(what));
}

void header(const scenarios::Scenario& scenario, const Report& r, std::string& out) {
  out += fmt::format("<h1>{}</h1>", escape(r.scenario));
  if (!scenario.description.empty())
    out += fmt::format("<p class=\"lead\">{}</p>", escape(scenario.description));
  std::string regions;
  for (const std::string& region : r.regions)
    regions += (regions.empty() ? "" : ", ") + region;
  out += fmt::format(
      "<p class=\"facts\">Regions: {}. Run length {}. Operations: {} invoked, {} ok, {} "
      "failed. Seed {}.</p>",
      escape(regions), format_duration(r.run_length_us), r.operations.invoked, r.operations.ok,
      r.operations.failed, scenario.seed);
  const size_t failed = std::count_if(r.expectations.begin(), r.expectations.end(),
                                      [](const auto& e) { return !e.passed; });
  out += "<div class=\"cards\">";
  out += card(r.convergence.converged ? "yes" : "NO", "converged",
              r.convergence.converged ? "good" : "bad");
  if (r.convergence.convergence_time_us) {
    out += card(format_duration(*r.convergence.convergence_time_us),
                "convergence after the last write", "");
  }
  out += card(r.overall.count ? format_duration(r.overall.p99) : "-", "lag p99, all links", "");
  out += card(r.overall.count ? format_duration(r.overall.max) : "-", "lag max, all links", "");
  out += card(std::to_string(r.conflicts.size()), "conflicts", "");
  out +=
      card(std::to_string(r.lost_writes.size()), "lost writes", r.lost_writes.empty() ? "" : "bad");
  out += card(std::to_string(r.stale_reads.size()), "stale reads", "");
  if (!r.resurrections.empty())
    out += card(std::to_string(r.resurrections.size()), "resurrections", "bad");
  if (!r.expectations.empty()) {
    out += card(fmt::format("{}/{}", r.expectations.size() - failed, r.expectations.size()),
                "expectations passed", failed ? "bad" : "good");
  }
  out += "</div>";
}

void expectations(const Report& r, std::string& out) {
  out += "<h2 id=\"expectations\">Expectations</h2>";
  if (r.expectations.empty()) {
    out += "<p class=\"note\">The scenario sets no expectations.</p>";
    return;
  }
  out +=
      "<table><tr><th>result</th><th>kind</th><th>expectation</th><th class=\"num\">line</th>"
      "<th>expected</th><th>actual</th></tr>";
  for (const scenarios::ExpectationResult& e : r.expectations) {
    out += fmt::format(
        "<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        e.passed ? "pass" : "fail", e.passed ? "pass" : "FAIL", escape(e.kind), escape(e.text),
        e.line, escape(e.expected), escape(e.actual));
  }
  out += "</table>";
}

// The time axis unit of the charts: milliseconds for short runs, seconds for long ones.
struct TimeUnit {
  double divisor;
  const char* name;
};

TimeUnit time_unit(const Report& r) {
  return r.run_length_us > 10 * scenarios::kSecond ? TimeUnit{1e6, "s"} : TimeUnit{1e3, "ms"};
}

void lag(const Report& r, const RunIndex& index, std::string& out) {
  out +=
      "<h2 id=\"lag\">Replication lag</h2><p class=\"note\">Lag of a record = true time it was "
      "applied at the receiver − true time it committed at its origin (DynamoDB's "
      "ReplicationLatency). Percentiles are nearest-rank.</p>";
  out +=
      "<table><tr><th>link</th><th class=\"num\">records</th><th class=\"num\">avg ms</th>"
      "<th class=\"num\">p50</th><th class=\"num\">p90</th><th class=\"num\">p99</th>"
      "<th class=\"num\">max</th></tr>";
  auto row = [&](const std::string& name, const scenarios::LagStats& s) {
    if (s.count == 0) {
      out += fmt::format(
          "<tr><td>{}</td><td class=\"num\">0</td><td class=\"num\" "
          "colspan=\"5\">no replicated records</td></tr>",
          escape(name));
      return;
    }
    out += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}"
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        escape(name), s.count, ms(s.avg), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max));
  };
  for (const scenarios::LinkLag& link : r.links)
    row(link_name(link.link), link.stats);
  row("all links", r.overall);
  out += "</table>";

  const TimeUnit unit = time_unit(r);
  Chart chart{"chart-lag",
              "Lag over time, per link (by commit time, buckets of " +
                  format_duration(r.bucket_width_us) + ")",
              fmt::format("commit time since the run started ({})", unit.name),
              "lag (ms)",
              0,
              static_cast<double>(r.run_length_us) / unit.divisor,
              false,
              {},
              {},
              1060,
              270};
  for (size_t i = 0; i < r.links.size(); ++i) {
    const scenarios::LinkLag& link = r.links[i];
    if (link.buckets.empty()) continue;
    Series p50{link_name(link.link) + " p50", series_color(i), false, false, {}};
    Series max{link_name(link.link) + " max", series_color(i), true, false, {}};
    for (const scenarios::LagBucket& b : link.buckets) {
      const double x = static_cast<double>(b.start_us + r.bucket_width_us / 2) / unit.divisor;
      p50.points.emplace_back(x, static_cast<double>(b.stats.p50) / 1e3);
      max.points.emplace_back(x, static_cast<double>(b.stats.max) / 1e3);
    }
    chart.series.push_back(std::move(p50));
    chart.series.push_back(std::move(max));
    chart.legend.push_back({link_name(link.link), series_color(i), false});
  }
  chart.legend.push_back({"p50 (solid)", "#444", false});
  chart.legend.push_back({"max (dashed)", "#444", true});
  out += line_chart(chart);

  // Histograms share their bins, so the links compare at a glance.
  std::map<LinkId, std::vector<Micros>> samples;
  Micros top = 0;
  for (const scenarios::RegionData& region : index.run().regions) {
    for (const AppliedRow& row : region.applied) {
      const Micros lag = row.applied_us - row.commit_us;
      samples[{row.version.id.origin, region.name}].push_back(lag);
      top = std::max(top, lag);
    }
  }
  if (samples.empty()) return;
  const double width_ms = nice_ceiling(static_cast<double>(top) / 1e3) / kHistogramBins;
  out += "<h3>Lag histograms per link</h3><div class=\"hists\">";
  for (size_t i = 0; i < r.links.size(); ++i) {
    auto found = samples.find(r.links[i].link);
    if (found == samples.end()) continue;
    std::vector<Bin> bins(kHistogramBins);
    for (int b = 0; b < kHistogramBins; ++b)
      bins[b] = {b * width_ms, (b + 1) * width_ms, 0};
    for (Micros lag : found->second) {
      const int b =
          std::min(kHistogramBins - 1, static_cast<int>(static_cast<double>(lag) / 1e3 / width_ms));
      ++bins[std::max(0, b)].count;
    }
    out += histogram(link_name(found->first), bins, "lag (ms)", series_color(i), 340, 180);
  }
  out += "</div>";
}

void backlog(const Report& r, std::string& out) {
  out +=
      "<h2 id=\"backlog\">Pending records</h2><p class=\"note\">Records the origin holds that "
      "the receiver has not acknowledged (DynamoDB's PendingReplicationCount), as sampled "
      "during the run.</p>";
  const TimeUnit unit = time_unit(r);
  Chart chart{"chart-pending",
              "Pending records per link",
              fmt::format("true time since the run started ({})", unit.name),
              "records",
              0,
              static_cast<double>(r.run_length_us) / unit.divisor,
              true,
              {},
              {},
              1060,
              250};
  for (const scenarios::LinkBacklog& b : r.backlog) {
    size_t color = 0;
    for (size_t i = 0; i < r.links.size(); ++i) {
      if (r.links[i].link == b.link) color = i;
    }
    Series s{link_name(b.link), series_color(color), false, true, {}};
    for (const scenarios::PendingPoint& p : b.series)
      s.points.emplace_back(static_cast<double>(p.at_us) / unit.divisor,
                            static_cast<double>(p.pending));
    chart.series.push_back(std::move(s));
    chart.legend.push_back(
        {fmt::format("{} (peak {})", link_name(b.link), b.peak), series_color(color), false});
  }
  out += line_chart(chart);
  if (r.catch_ups.empty()) return;
  out +=
      "<h3>Catch-up after faults</h3><table><tr><th>fault</th><th class=\"num\">line</th>"
      "<th class=\"num\">at</th><th>link</th><th class=\"num\">backlog</th>"
      "<th class=\"num\">peak</th><th class=\"num\">caught up in</th></tr>";
  for (const scenarios::CatchUp& c : r.catch_ups) {
    out += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        escape(c.fault), c.line, format_duration(c.fault_at_us), escape(link_name(c.link)),
        c.backlog, c.peak, c.catch_up_us ? format_duration(*c.catch_up_us) : "never");
  }
  out += "</table>";
}

void outcomes(const Report& r, std::string& out) {
  const scenarios::Convergence& c = r.convergence;
  out += "<h2 id=\"convergence\">Convergence</h2>";
  if (c.converged) {
    out += fmt::format(
        "<p>Every replica holds the same winner for every key, {} after the last "
        "write (at {}).</p>",
        format_duration(c.convergence_time_us.value_or(0)), format_duration(c.last_write_us));
  } else {
    out += fmt::format("<p class=\"fail\">Not converged: {} key(s) differ between replicas.</p>",
                       c.divergent_keys);
    out += "<table><tr><th>key</th><th>winner in each region</th></tr>";
    for (const scenarios::Divergence& d : c.examples) {
      std::string winners;
      for (const auto& [region, version] : d.winners)
        winners += escape(region) + ": " + (version ? version_text(*version) : "no item") + "<br>";
      out += fmt::format("<tr><td>{}</td><td>{}</td></tr>", key_text(d.table, d.key), winners);
    }
    out += "</table>";
  }

  out += "<h2 id=\"conflicts\">Conflicts</h2>";
  if (r.conflicts.empty()) {
    out += "<p class=\"note\">No two concurrent versions of an item met.</p>";
  } else {
    out += open_list(r.conflicts.size(), "conflict(s)",
                     "<tr><th>key</th><th>winner</th><th>loser</th><th>met in</th><th>why</th>"
                     "</tr>");
    for (size_t i = 0; i < r.conflicts.size() && i < kTableRows; ++i) {
      const scenarios::Conflict& x = r.conflicts[i];
      std::string where;
      for (const auto& [region, at] : x.detected)
        where += escape(region) + " at " + format_duration(at) + "<br>";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                         key_text(x.table, x.key), version_text(x.winner), version_text(x.loser),
                         where, escape(x.explanation));
    }
    out += close_list(r.conflicts.size(), 5);
  }

  out += "<h2 id=\"lost-writes\">Lost writes</h2>";
  if (r.lost_writes.empty()) {
    out += "<p class=\"note\">No acknowledged write was lost.</p>";
  } else {
    out += open_list(r.lost_writes.size(), "lost write(s)",
                     "<tr><th>key</th><th>write</th><th class=\"num\">op</th><th>acknowledged"
                     "</th><th>beaten by</th><th>why</th></tr>");
    for (size_t i = 0; i < r.lost_writes.size() && i < kTableRows; ++i) {
      const scenarios::LostWrite& w = r.lost_writes[i];
      out += fmt::format(
          "<tr><td>{}</td><td>{} {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td></tr>",
          key_text(w.table, w.key), escape(w.operation), version_text(w.version), w.op,
          format_duration(w.acked_us), version_text(w.beaten_by), escape(w.explanation));
    }
    out += close_list(r.lost_writes.size(), 6);
  }

  out += "<h2 id=\"stale-reads\">Stale reads</h2>";
  if (r.stale_reads.empty()) {
    out += "<p class=\"note\">Every read returned the newest acknowledged write.</p>";
  } else {
    out += open_list(r.stale_reads.size(), "stale read(s)",
                     "<tr><th>key</th><th>read</th><th class=\"num\">op</th><th>returned</th>"
                     "<th>missed</th><th class=\"num\">stale for</th><th>why</th></tr>");
    for (size_t i = 0; i < r.stale_reads.size() && i < kTableRows; ++i) {
      const scenarios::StaleRead& s = r.stale_reads[i];
      out += fmt::format(
          "<tr><td>{}</td><td>{}{} in {} at {}</td><td class=\"num\">{}</td><td>{}</td>"
          "<td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
          key_text(s.table, s.key), escape(s.operation), s.consistent ? " (consistent)" : "",
          escape(s.region), format_duration(s.invoked_us), s.op,
          s.returned ? version_text(*s.returned) : "no item", version_text(s.missed),
          format_duration(s.staleness_us), escape(s.explanation));
    }
    out += close_list(r.stale_reads.size(), 7);
  }

  if (r.resurrections.empty()) return;
  out += "<h2 id=\"resurrections\">Resurrections</h2>" +
         open_list(r.resurrections.size(), "resurrection(s)",
                   "<tr><th>key</th><th>region</th><th>version</th><th>at</th><th>why</th></tr>");
  for (size_t i = 0; i < r.resurrections.size() && i < kTableRows; ++i) {
    const scenarios::Resurrection& x = r.resurrections[i];
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                       key_text(x.table, x.key), escape(x.region), version_text(x.version),
                       format_duration(x.applied_us), escape(x.explanation));
  }
  out += close_list(r.resurrections.size(), 5);
}

}  // namespace

std::string render_html(const scenarios::Scenario& scenario, const Report& report,
                        const RunIndex& index) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{} — gtsim report</title><style>{}</style></head><body><main>",
      escape(report.scenario), kStyle);
  header(scenario, report, out);
  expectations(report, out);
  out +=
      "<h2 id=\"diagram\">Space-time diagram</h2><p class=\"note\">One lane per region, time "
      "left to right. Hover over a mark or an arrow for its details.</p>";
  out += space_time_section(scenario, report, index);
  lag(report, index, out);
  backlog(report, out);
  outcomes(report, out);
  out += fmt::format("</main><script>{}</script></body></html>\n", kScript);
  return out;
}

void write_html_report(const scenarios::Scenario& scenario, const Report& report,
                       const RunData& run, const std::string& run_dir) {
  const RunIndex index(run);
  const std::string html = render_html(scenario, report, index);
  const std::string path = (std::filesystem::path(run_dir) / "report.html").string();
  std::ofstream file(path, std::ios::binary);
  file << html;
  if (!file.flush()) throw DynamoError(ErrorType::kInternal, "cannot write " + path);
}

}  // namespace gtsim::viz
