#include "scenarios/report_summary.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/core.h>

#include "scenarios/units.h"

namespace gtsim::scenarios {
namespace {

// Entries of a list shown before "... and N more".
constexpr size_t kListed = 5;

// Milliseconds with three decimals, from integers (no rounding differences between machines).
std::string ms(Micros us) {
  return fmt::format("{}{}.{:03}", us < 0 ? "-" : "", std::llabs(us) / 1000, std::llabs(us) % 1000);
}

std::string link_name(const LinkId& link) {
  return link.first + " -> " + link.second;
}

std::string version_name(const Version& v) {
  return fmt::format("{}#{}", v.id.origin, v.id.seq);
}

void lag_table(const Report& r, std::string& out) {
  size_t width = std::string("overall").size();
  for (const LinkLag& link : r.links)
    width = std::max(width, link_name(link.link).size());
  out +=
      fmt::format("Replication lag (ms)\n  {:<{}}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}\n",
                  "link", width, "count", "avg", "p50", "p90", "p99", "max");
  auto row = [&](const std::string& name, const LagStats& s) {
    if (s.count == 0) {
      out += fmt::format("  {:<{}}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}\n", name, width,
                         0, "-", "-", "-", "-", "-");
      return;
    }
    out += fmt::format("  {:<{}}  {:>7}  {:>10}  {:>10}  {:>10}  {:>10}  {:>10}\n", name, width,
                       s.count, ms(s.avg), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max));
  };
  for (const LinkLag& link : r.links)
    row(link_name(link.link), link.stats);
  row("overall", r.overall);
}

void backlog_table(const Report& r, std::string& out) {
  if (r.backlog.empty()) return;
  size_t width = std::string("link").size();
  for (const LinkBacklog& b : r.backlog)
    width = std::max(width, link_name(b.link).size());
  out +=
      fmt::format("\nPending records\n  {:<{}}  {:>7}  {:>10}\n", "link", width, "peak", "at (ms)");
  for (const LinkBacklog& b : r.backlog) {
    out += fmt::format("  {:<{}}  {:>7}  {:>10}\n", link_name(b.link), width, b.peak,
                       b.peak == 0 ? "-" : ms(b.peak_at_us));
  }
  for (const CatchUp& c : r.catch_ups) {
    // Line 0: a fault sent to `gtsim serve`, not a step of the file.
    const std::string source = c.line > 0 ? fmt::format("line {}", c.line) : "gtsim fault";
    out += fmt::format("  after {} ({}) at {} ms: {} had {} pending, peak {}, {}\n", c.fault,
                       source, ms(c.fault_at_us), link_name(c.link), c.backlog, c.peak,
                       c.catch_up_us ? "caught up in " + ms(*c.catch_up_us) + " ms"
                                     : std::string("never caught up"));
  }
}

void convergence_line(const Report& r, std::string& out) {
  const Convergence& c = r.convergence;
  if (c.converged) {
    out += fmt::format("\nConvergence: all replicas identical, {} ms after the last write\n",
                       ms(*c.convergence_time_us));
    return;
  }
  out += fmt::format("\nConvergence: NOT converged, {} key(s) differ\n", c.divergent_keys);
  for (size_t i = 0; i < c.examples.size() && i < kListed; ++i) {
    const Divergence& d = c.examples[i];
    std::string winners;
    for (const auto& [region, version] : d.winners) {
      winners += fmt::format("{}{}: {}", winners.empty() ? "" : ", ", region,
                             version ? version_name(*version) : "no item");
    }
    out += fmt::format("  {} {}: {}\n", d.table, to_display_string(d.key), winners);
  }
  if (c.divergent_keys > kListed)
    out += fmt::format("  ... and {} more\n", c.divergent_keys - kListed);
}

// "Title: N" and up to kListed lines of `line(item)`.
template <typename T, typename F>
void listing(const std::string& title, const std::vector<T>& items, F line, std::string& out) {
  out += fmt::format("{}: {}\n", title, items.size());
  for (size_t i = 0; i < items.size() && i < kListed; ++i)
    out += "  " + line(items[i]) + "\n";
  if (items.size() > kListed) out += fmt::format("  ... and {} more\n", items.size() - kListed);
}

void expectations(const Report& r, std::string& out) {
  if (r.expectations.empty()) return;
  const auto failed = std::count_if(r.expectations.begin(), r.expectations.end(),
                                    [](const ExpectationResult& e) { return !e.passed; });
  out += fmt::format("\nExpectations: {} passed, {} failed\n",
                     static_cast<std::ptrdiff_t>(r.expectations.size()) - failed, failed);
  size_t width = 0;
  for (const ExpectationResult& e : r.expectations) {
    if (e.kind != "step") width = std::max(width, e.text.size() + 1 + e.expected.size());
  }
  for (const ExpectationResult& e : r.expectations) {
    const char* verdict = e.passed ? "PASS" : "FAIL";
    if (e.kind == "step") {
      out += fmt::format("  {}  line {}: {} ({})\n", verdict, e.line, e.text, e.actual);
    } else {
      out += fmt::format("  {}  {:<{}}  actual {}  (line {})\n", verdict, e.text + " " + e.expected,
                         width, e.actual, e.line);
    }
  }
}

}  // namespace

std::string format_summary(const Report& r) {
  std::string out = fmt::format(
      "Scenario: {}\nRun length {} ms; {} operations ({} ok, {} failed)\n\n", r.scenario,
      ms(r.run_length_us), r.operations.invoked, r.operations.ok, r.operations.failed);
  lag_table(r, out);
  backlog_table(r, out);
  convergence_line(r, out);
  out += "\n";
  listing(
      "Conflicts", r.conflicts,
      [](const Conflict& c) {
        return fmt::format("{} {}: {}", c.table, to_display_string(c.key), c.explanation);
      },
      out);
  listing(
      "Lost writes", r.lost_writes,
      [](const LostWrite& w) {
        return fmt::format("{} {} {}: {}", w.table, to_display_string(w.key),
                           version_name(w.version), w.explanation);
      },
      out);
  listing(
      "Stale reads", r.stale_reads,
      [](const StaleRead& s) {
        return fmt::format("{} {}: {}", s.table, to_display_string(s.key), s.explanation);
      },
      out);
  listing(
      "Resurrections", r.resurrections,
      [](const Resurrection& x) {
        return fmt::format("{} {}: {}", x.table, to_display_string(x.key), x.explanation);
      },
      out);
  listing(
      "Links out of sync", r.out_of_sync,
      [](const OutOfSync& x) {
        return fmt::format("{} -> {}: {}", x.link.first, x.link.second, x.explanation);
      },
      out);
  expectations(r, out);
  if (!r.replay.empty()) out += fmt::format("\nReplay: {}\n", r.replay);
  return out;
}

}  // namespace gtsim::scenarios
