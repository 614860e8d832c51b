#include "viz/space_time.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/core.h>

#include "scenarios/units.h"
#include "viz/svg.h"

namespace gtsim::viz {
namespace {

using scenarios::format_duration;
using scenarios::LinkId;

constexpr double kWidth = 1060, kLeft = 118, kRight = 18, kTop = 22, kLaneGap = 78, kBottom = 44;
constexpr const char* kConflictColor = "#d62728";
// Up to this many arrows, the all-keys view also rings conflicts and labels lost writes.
constexpr size_t kDetailedArrows = 60;

// An interval when a lane's region was not replicating normally.
struct Shade {
  std::string region;
  Micros from = 0, to = 0;
  std::string kind;  // down, cut, paused, absent
  std::string label;
};

struct Mark {
  const HistoryOp* op = nullptr;
  Micros at_us = 0;
  std::vector<ItemId> items;
};

// A replication arrow: a write and one arrival of it.
struct Arrow {
  const StreamRow* write = nullptr;
  Arrival arrival;
};

struct Context {
  const scenarios::Report& report;
  const RunIndex& index;
  std::map<std::string, size_t> lane;
  std::vector<Shade> shades;
  std::vector<Mark> marks;
  // Each item's marks, as indexes into `marks` in their order: an item's view walks its own.
  std::map<ItemId, std::vector<size_t>> marks_of_item;

  const std::vector<size_t>& marks_of(const ItemId& item) const {
    static const std::vector<size_t> kNone;
    auto found = marks_of_item.find(item);
    return found == marks_of_item.end() ? kNone : found->second;
  }
  std::set<VersionId> lost, conflicted;
  std::set<int64_t> stale_ops;
};

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

// A fault whose step is not in the scenario file (one sent to `gtsim serve`), rebuilt from what
// its history event records; nullopt for the kinds that do not shade a lane.
std::optional<scenarios::Fault> fault_from_detail(const scenarios::HistoryFault& event) {
  auto links = [&](const char* field) {
    std::set<LinkId> out;
    for (const nlohmann::json& link : event.detail.value(field, nlohmann::json::array()))
      out.insert({link.value("from", std::string()), link.value("to", std::string())});
    return out;
  };
  const std::string region = event.detail.value("region", std::string());
  if (event.fault == "partition") {
    scenarios::PartitionFault partition;
    partition.cut = links("cut");
    return partition;
  }
  if (event.fault == "heal") return scenarios::HealFault{};
  if (event.fault == "crash") return scenarios::CrashFault{region};
  if (event.fault == "restart") return scenarios::RestartFault{region};
  if (event.fault == "pause") return scenarios::PauseFault{links("links")};
  if (event.fault == "resume") return scenarios::ResumeFault{links("links")};
  return std::nullopt;
}

// Shades from the fault events of the history, typed by the scenario step on their line (or by
// the event itself when no step has that line).
std::vector<Shade> lane_shades(const scenarios::Scenario& scenario, const RunData& run,
                               Micros end) {
  std::map<int, const scenarios::Fault*> step_fault;
  for (const scenarios::Step& step : scenario.steps) {
    if (const auto* fault = std::get_if<scenarios::Fault>(&step.action))
      step_fault[step.pos.line] = fault;
  }
  std::vector<Shade> out;
  std::map<std::string, Micros> down;
  // Per region: the peers it is cut from (or paused towards), and since when with that set.
  std::map<std::string, std::pair<std::set<std::string>, Micros>> cut, paused;
  auto close = [&](std::map<std::string, std::pair<std::set<std::string>, Micros>>& open,
                   const std::string& region, Micros at, const std::string& kind,
                   const std::string& verb) {
    auto found = open.find(region);
    if (found == open.end()) return;
    if (!found->second.first.empty() && at > found->second.second) {
      out.push_back(
          {region, found->second.second, at, kind, verb + " " + joined(found->second.first)});
    }
    open.erase(found);
  };
  auto change = [&](std::map<std::string, std::pair<std::set<std::string>, Micros>>& open,
                    const std::string& region, Micros at, const std::string& kind,
                    const std::string& verb, const std::set<std::string>& peers) {
    std::set<std::string> now = open.count(region) ? open[region].first : std::set<std::string>{};
    std::set<std::string> next = peers;
    if (next == now) return;
    close(open, region, at, kind, verb);
    if (!next.empty()) open[region] = {next, at};
  };
  std::map<std::string, std::set<std::string>> cut_peers, paused_peers;
  for (const scenarios::HistoryFault& event : run.history.faults) {
    const Micros at = event.at_us;
    auto found = step_fault.find(event.line);
    const scenarios::Fault* fault = found == step_fault.end() ? nullptr : found->second;
    std::optional<scenarios::Fault> rebuilt;
    if (!fault) {
      rebuilt = fault_from_detail(event);
      if (!rebuilt) continue;
      fault = &*rebuilt;
    }
    if (const auto* p = std::get_if<scenarios::PartitionFault>(fault)) {
      for (const LinkId& link : p->cut) {
        cut_peers[link.first].insert(link.second);
        cut_peers[link.second].insert(link.first);
      }
      for (const auto& [region, peers] : cut_peers)
        change(cut, region, at, "cut", "cut off from", peers);
    } else if (std::holds_alternative<scenarios::HealFault>(*fault)) {
      for (auto& [region, peers] : cut_peers)
        change(cut, region, at, "cut", "cut off from", {});
      cut_peers.clear();
    } else if (const auto* c = std::get_if<scenarios::CrashFault>(fault)) {
      down.emplace(c->region, at);
    } else if (const auto* r = std::get_if<scenarios::RestartFault>(fault)) {
      if (down.count(r->region)) {
        out.push_back({r->region, down[r->region], at, "down", "down (crashed)"});
        down.erase(r->region);
      }
    } else if (const auto* pause = std::get_if<scenarios::PauseFault>(fault)) {
      for (const LinkId& link : pause->links)
        paused_peers[link.first].insert(link.second);
      for (const auto& [region, peers] : paused_peers)
        change(paused, region, at, "paused", "shipping paused to", peers);
    } else if (const auto* resume = std::get_if<scenarios::ResumeFault>(fault)) {
      for (auto& [region, peers] : paused_peers) {
        if (resume->links.empty()) peers.clear();
        for (const LinkId& link : resume->links) {
          if (link.first == region) peers.erase(link.second);
        }
        change(paused, region, at, "paused", "shipping paused to", peers);
      }
    } else if (const auto* add = std::get_if<scenarios::AddReplicaFault>(fault)) {
      if (at > 0) out.push_back({add->region, 0, at, "absent", "no replica yet"});
    } else if (const auto* remove = std::get_if<scenarios::RemoveReplicaFault>(fault)) {
      out.push_back({remove->region, at, end, "absent", "replica removed"});
    }
  }
  for (const auto& [region, since] : down)
    out.push_back({region, since, end, "down", "down (crashed)"});
  for (auto& [region, peers] : cut_peers)
    change(cut, region, end, "cut", "cut off from", {});
  for (auto& [region, peers] : paused_peers)
    change(paused, region, end, "paused", "shipping paused to", {});
  std::sort(out.begin(), out.end(), [](const Shade& a, const Shade& b) {
    return std::tie(a.region, a.from, a.kind) < std::tie(b.region, b.from, b.kind);
  });
  return out;
}

// The items an operation touched: those of the versions it names, else the key it asked for.
std::vector<ItemId> items_of(const scenarios::Scenario& scenario, const RunIndex& index,
                             const HistoryOp& op) {
  std::vector<ItemId> out;
  for (const Version& v : op.versions()) {
    auto write = index.run().writes.find(v.id);
    if (write != index.run().writes.end()) {
      out.push_back({write->second->table, write->second->key});
    }
  }
  if (!out.empty()) return out;
  const nlohmann::json& request = op.request;
  if (!request.value("TableName", nlohmann::json()).is_string()) return out;
  const std::string table = request["TableName"].get<std::string>();
  if (request.contains("Key")) {
    out.push_back({table, scenarios::canonical_key(request["Key"])});
  } else if (request.contains("Item")) {
    if (const scenarios::Table* spec = scenario.find_table(table)) {
      const Key key = spec->spec.key_schema.key_of_item(item_from_json(request["Item"]));
      out.push_back({table, scenarios::canonical_key(item_to_json(key))});
    }
  }
  return out;
}

Context make_context(const scenarios::Scenario& scenario, const scenarios::Report& report,
                     const RunIndex& index) {
  Context c{report, index, {}, {}, {}, {}, {}, {}};
  for (size_t i = 0; i < report.regions.size(); ++i)
    c.lane[report.regions[i]] = i;
  c.shades = lane_shades(scenario, index.run(), report.run_length_us);
  for (const HistoryOp& op : index.run().history.ops) {
    Mark mark{&op, op.invoked_us, items_of(scenario, index, op)};
    const std::vector<Version> versions = op.versions();
    if (op.is_write() && !versions.empty()) {
      auto write = index.run().writes.find(versions.front().id);
      if (write != index.run().writes.end()) mark.at_us = write->second->commit_us;
    }
    c.marks.push_back(std::move(mark));
  }
  for (size_t i = 0; i < c.marks.size(); ++i) {
    for (const ItemId& item : c.marks[i].items) {
      std::vector<size_t>& marks = c.marks_of_item[item];
      if (marks.empty() || marks.back() != i) marks.push_back(i);
    }
  }
  for (const scenarios::LostWrite& w : report.lost_writes)
    c.lost.insert(w.version.id);
  for (const scenarios::Conflict& conflict : report.conflicts) {
    c.conflicted.insert(conflict.winner.id);
    c.conflicted.insert(conflict.loser.id);
  }
  for (const scenarios::StaleRead& s : report.stale_reads)
    c.stale_ops.insert(s.op);
  return c;
}

// What the diagram of one view draws.
struct View {
  std::string id;
  Micros from = 0, to = 0;
  const ItemId* item = nullptr;  // nullptr: every item
  std::vector<Arrow> arrows;
  std::string note;
};

class Drawing {
 public:
  Drawing(const Context& c, const View& v)
      : c_(c),
        v_(v),
        unit_(v.to - v.from > 10 * scenarios::kSecond ? scenarios::kSecond
                                                      : scenarios::kMillisecond),
        x_{static_cast<double>(v.from), static_cast<double>(v.to), kLeft, kWidth - kRight} {}

  std::string svg() {
    const double height = kTop + kLaneGap * static_cast<double>(c_.lane.size()) + kBottom;
    out_ = fmt::format(
        "<svg class=\"spacetime\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"space-time "
        "diagram\">",
        coord(kWidth), coord(height));
    shades();
    lanes();
    arrows();
    marks();
    axis(height);
    return out_ + "</svg>";
  }

 private:
  double y(const std::string& region) const {
    auto found = c_.lane.find(region);
    GTSIM_CHECK(found != c_.lane.end());
    return kTop + kLaneGap * (static_cast<double>(found->second) + 0.5);
  }
  double x(Micros t) const { return x_(static_cast<double>(t)); }
  bool in_view(Micros t) const { return t >= v_.from && t <= v_.to; }
  // Rings and labels only where few enough to read: an item's view, or a small run.
  bool detailed() const { return v_.item || v_.arrows.size() <= kDetailedArrows; }

  void shades() {
    for (const Shade& s : c_.shades) {
      if (s.to < v_.from || s.from > v_.to || !c_.lane.count(s.region)) continue;
      const double x0 = x(std::max(s.from, v_.from)), x1 = x(std::min(s.to, v_.to));
      out_ += fmt::format(
          "<rect class=\"shade {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"28\"><title>{} "
          "{}: {} to {}</title></rect>",
          s.kind, coord(x0), coord(y(s.region) - 14), coord(std::max(1.0, x1 - x0)), s.region,
          escape(s.label), format_duration(s.from), format_duration(s.to));
      if (x1 - x0 > 60) {
        out_ += fmt::format("<text class=\"shade-label\" x=\"{}\" y=\"{}\">{}</text>",
                            coord(x0 + 3), coord(y(s.region) + 24), escape(s.label));
      }
    }
  }

  void lanes() {
    for (const auto& [region, i] : c_.lane) {
      out_ += fmt::format(
          "<g class=\"lane\" data-region=\"{0}\"><line x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" "
          "y2=\"{3}\"/><text x=\"{4}\" y=\"{3}\" dy=\"4\" text-anchor=\"end\" "
          "fill=\"{5}\">{0}</text></g>",
          escape(region), coord(kLeft), coord(kWidth - kRight), coord(y(region)), coord(kLeft - 8),
          series_color(i));
    }
  }

  void arrows() {
    for (const Arrow& a : v_.arrows) {
      const AppliedRow& row = *a.arrival.row;
      if (!c_.lane.count(a.write->version.id.origin) || !c_.lane.count(a.arrival.region)) continue;
      const bool conflict = row.classification == "concurrent";
      const bool ignored = row.classification == "stale" || row.classification == "duplicate";
      const std::string color = conflict  ? kConflictColor
                                : ignored ? "#999"
                                          : series_color(c_.lane.at(a.write->version.id.origin));
      const std::string marker = conflict ? "ah-conflict"
                                 : ignored
                                     ? "ah-ignored"
                                     : fmt::format("ah-{}", c_.lane.at(a.write->version.id.origin));
      std::string title =
          fmt::format("{} from {} to {}: committed {}, applied {} (lag {}), {}",
                      version_label(row.version.id), a.write->version.id.origin, a.arrival.region,
                      format_duration(row.commit_us), format_duration(row.applied_us),
                      format_duration(row.applied_us - row.commit_us), row.classification);
      if (row.lost) title += ", LWW discarded " + version_label(row.lost->id);
      out_ += fmt::format(
          "<line class=\"arrow{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
          "marker-end=\"url(#{})\"><title>{}</title></line>",
          conflict  ? " conflict"
          : ignored ? " ignored"
                    : "",
          coord(x(a.write->commit_us)), coord(y(a.write->version.id.origin)),
          coord(x(row.applied_us)), coord(y(a.arrival.region)), color, marker, escape(title));
      if (conflict && detailed()) {
        out_ += fmt::format(
            "<circle class=\"conflict-ring\" cx=\"{}\" cy=\"{}\" r=\"8\"><title>conflict in {} "
            "at {}: {}</title></circle>",
            coord(x(row.applied_us)), coord(y(a.arrival.region)), a.arrival.region,
            format_duration(row.applied_us), escape(title));
      }
    }
  }

  void marks() {
    if (!v_.item) {
      for (const Mark& m : c_.marks)
        mark(m);
      return;
    }
    for (size_t i : c_.marks_of(*v_.item))
      mark(c_.marks[i]);
  }

  void mark(const Mark& m) {
    const HistoryOp& op = *m.op;
    if (!in_view(m.at_us) || !c_.lane.count(op.region)) return;
    const double mx = x(m.at_us), my = y(op.region);
    std::string title = fmt::format("op {}: {}", op.op, op.operation);
    for (const ItemId& item : m.items)
      title += fmt::format(" {}", item_label(item));
    title += fmt::format(" in {} at {}", op.region, format_duration(op.invoked_us));
    const std::vector<Version> versions = op.versions();
    bool lost = false;
    for (const Version& v : versions) {
      title += (op.is_write() ? " wrote " : " read ") + version_label(v.id) +
               fmt::format(" (ts {})", v.timestamp_us);
      lost = lost || (op.is_write() && c_.lost.count(v.id));
    }
    if (op.outcome == HistoryOp::Outcome::kFail) {
      out_ += fmt::format(
          "<path class=\"mark failed\" d=\"M{0} {1}l8 8m0 -8l-8 8\" transform=\"translate(-4 "
          "-4)\"><title>{2} failed: {3}</title></path>",
          coord(mx), coord(my), escape(title), escape(op.error_type));
    } else if (op.outcome == HistoryOp::Outcome::kPending) {
      out_ += fmt::format(
          "<circle class=\"mark pending\" cx=\"{}\" cy=\"{}\" r=\"4\"><title>{} (no "
          "response)</title></circle>",
          coord(mx), coord(my), escape(title));
    } else if (op.is_write()) {
      // A delete is a square, so a tombstone reads apart from the writes it races.
      const double r = lost ? 6.5 : 5.5;
      const std::string shape =
          op.operation == "DeleteItem"
              ? fmt::format("rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", coord(mx - r),
                            coord(my - r), coord(2 * r), coord(2 * r))
              : fmt::format("circle cx=\"{}\" cy=\"{}\" r=\"{}\"", coord(mx), coord(my), coord(r));
      out_ += fmt::format("<{} class=\"mark write{}\" fill=\"{}\"><title>{}{}</title></{}>", shape,
                          lost ? " lost" : "",
                          lost ? kConflictColor : series_color(c_.lane.at(op.region)),
                          escape(title), lost ? ": LOST" : "", shape.substr(0, shape.find(' ')));
      // One label above the mark (the version in an item's view, "lost" for a lost write),
      // skipped where it would overlap the previous label of the lane.
      std::string label;
      if (v_.item && !versions.empty()) label = version_label(versions.front().id);
      if (lost && detailed()) label = label.empty() ? "lost" : "lost " + label;
      double& free_from = label_end_[op.region];
      const double half = 3.0 * static_cast<double>(label.size());
      if (!label.empty() && mx - half >= free_from) {
        out_ += fmt::format("<text class=\"{}\" x=\"{}\" y=\"{}\">{}</text>",
                            lost ? "lost-label" : "version-label", coord(mx), coord(my - 10),
                            escape(label));
        free_from = mx + half + 4;
      }
    } else {
      const bool stale = c_.stale_ops.count(op.op) > 0;
      out_ += fmt::format(
          "<path class=\"mark read{}\" d=\"M{} {}l5 5l-5 5l-5 -5z\" stroke=\"{}\"><title>{}{}"
          "</title></path>",
          stale ? " stale" : "", coord(mx), coord(my - 5), series_color(c_.lane.at(op.region)),
          escape(title), stale ? ": STALE" : "");
    }
  }

  void axis(double height) {
    const double base = height - kBottom + 6;
    const char* unit = unit_ == scenarios::kSecond ? "s" : "ms";
    const double scale = static_cast<double>(unit_);
    out_ += fmt::format("<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>",
                        coord(kLeft), coord(kWidth - kRight), coord(base));
    for (double t :
         ticks(static_cast<double>(v_.from) / scale, static_cast<double>(v_.to) / scale, 10)) {
      const double tx = x_(t * scale);
      out_ += fmt::format(
          "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" "
          "x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
          coord(tx), coord(base), coord(base + 4), coord(base + 16), ms_label(t));
    }
    out_ += fmt::format(
        "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">true time since the run "
        "started ({})</text>",
        coord((kLeft + kWidth - kRight) / 2), coord(base + 32), unit);
  }

  const Context& c_;
  const View& v_;
  Micros unit_;
  LinearScale x_;
  std::map<std::string, double> label_end_;  // per lane: where the last label ends
  std::string out_;
};

std::vector<Arrow> arrows_of(const RunIndex& index, const ItemStory& story) {
  std::vector<Arrow> out;
  for (const Arrival& arrival : story.arrivals) {
    auto write = index.run().writes.find(arrival.row->version.id);
    if (write != index.run().writes.end()) out.push_back({write->second, arrival});
  }
  return out;
}

// The all-keys view: every mark, and the arrows of one write in `every` (in commit order). The
// writes in a conflict or lost are all drawn as long as they take at most a quarter of the
// arrows; beyond that they are sampled like the rest, or they would hide everything else.
View all_keys_view(const Context& c) {
  std::vector<std::pair<const StreamRow*, std::vector<Arrow>>> writes;
  size_t total = 0, troubled = 0;
  for (const auto& [item, story] : c.index.items()) {
    std::vector<Arrow> arrows = arrows_of(c.index, story);
    for (const StreamRow* write : story.writes) {
      std::vector<Arrow> mine;
      for (const Arrow& a : arrows) {
        if (a.write == write) mine.push_back(a);
      }
      total += mine.size();
      if (c.lost.count(write->version.id) || c.conflicted.count(write->version.id))
        troubled += mine.size();
      writes.emplace_back(write, std::move(mine));
    }
  }
  std::sort(writes.begin(), writes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first->commit_us, a.first->version.id) <
           std::tie(b.first->commit_us, b.first->version.id);
  });
  const bool keep_troubled = troubled <= kMaxSampledArrows / 4;
  const size_t budget = kMaxSampledArrows - (keep_troubled ? troubled : 0);
  const size_t rest = total - (keep_troubled ? troubled : 0);
  const size_t every = std::max<size_t>(1, (rest + budget - 1) / budget);
  View view{"st-all", 0, std::max<Micros>(c.report.run_length_us, 1), nullptr, {}, {}};
  for (size_t i = 0; i < writes.size(); ++i) {
    const VersionId& id = writes[i].first->version.id;
    const bool kept = keep_troubled && (c.lost.count(id) || c.conflicted.count(id));
    if (i % every == 0 || kept) {
      view.arrows.insert(view.arrows.end(), writes[i].second.begin(), writes[i].second.end());
    }
  }
  if (every == 1) {
    view.note = fmt::format("All {} replication arrows shown.", total);
  } else {
    view.note = fmt::format(
        "{} of {} replication arrows shown: those of one write in {}{}. Pick "
        "a key to see all of its arrows.",
        view.arrows.size(), total, every,
        keep_troubled ? ", plus every write in a conflict or lost" : "");
  }
  return view;
}

View item_view(const Context& c, const ItemId& item, const ItemStory& story, size_t number) {
  View view{fmt::format("st-k{}", number), 0, 0, nullptr, arrows_of(c.index, story), {}};
  std::optional<Micros> first, last;
  auto see = [&](Micros t) {
    first = first ? std::min(*first, t) : t;
    last = last ? std::max(*last, t) : t;
  };
  for (const Arrow& a : view.arrows) {
    see(a.write->commit_us);
    see(a.arrival.row->applied_us);
  }
  for (const StreamRow* write : story.writes)
    see(write->commit_us);
  for (size_t i : c.marks_of(item))
    see(c.marks[i].at_us);
  const Micros pad = std::max<Micros>(scenarios::kMillisecond, (*last - *first) / 20);
  view.from = std::max<Micros>(0, *first - pad);
  view.to = *last + pad;
  view.note = fmt::format("{}: {} write(s), {} arrival(s) in other regions, all shown.",
                          item_label(item), story.writes.size(), view.arrows.size());
  return view;
}

// The items that get a view of their own: those with a conflict or lost write first, then the
// most written, then by name.
std::vector<const std::pair<const ItemId, ItemStory>*> key_views(const Context& c) {
  auto troubled = [&](const ItemStory& story) {
    for (const StreamRow* w : story.writes) {
      if (c.lost.count(w->version.id) || c.conflicted.count(w->version.id)) return true;
    }
    return false;
  };
  // Each item's trouble is found once, not at every comparison of the sort.
  struct Candidate {
    bool troubled;
    const std::pair<const ItemId, ItemStory>* item;
  };
  std::vector<Candidate> candidates;
  for (const auto& entry : c.index.items()) {
    if (!entry.second.writes.empty()) candidates.push_back({troubled(entry.second), &entry});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    if (a.troubled != b.troubled) return a.troubled;
    return a.item->second.writes.size() > b.item->second.writes.size();
  });
  std::vector<const std::pair<const ItemId, ItemStory>*> items;
  for (size_t i = 0; i < candidates.size() && i < kMaxKeyViews; ++i)
    items.push_back(candidates[i].item);
  return items;
}

std::string markers(size_t regions) {
  std::string out =
      "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>";
  auto marker = [&](const std::string& id, const std::string& color) {
    out += fmt::format(
        "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" "
        "fill=\"{}\"/></marker>",
        id, color);
  };
  for (size_t i = 0; i < regions; ++i)
    marker(fmt::format("ah-{}", i), series_color(i));
  marker("ah-conflict", kConflictColor);
  marker("ah-ignored", "#999");
  return out + "</defs></svg>";
}

constexpr const char* kLegend =
    R"(<div class="legend st-legend">)"
    R"(<span><svg width="14" height="14"><circle cx="7" cy="7" r="5" fill="#1f77b4"/></svg>write</span>)"
    R"(<span><svg width="14" height="14"><rect x="2" y="2" width="10" height="10" fill="#1f77b4"/></svg>delete</span>)"
    R"(<span><svg width="14" height="14"><path d="M7 2l5 5l-5 5l-5 -5z" fill="#fff" stroke="#1f77b4" stroke-width="1.5"/></svg>read</span>)"
    R"(<span><svg width="14" height="14"><path d="M7 2l5 5l-5 5l-5 -5z" fill="#ffbf00" stroke="#1f77b4" stroke-width="1.5"/></svg>stale read</span>)"
    R"(<span><svg width="14" height="14"><path d="M3 3l8 8m0 -8l-8 8" stroke="#888" stroke-width="2"/></svg>failed</span>)"
    R"(<span><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="#d62728"/></svg>lost write</span>)"
    R"(<span><svg width="26" height="10"><line x1="1" x2="25" y1="5" y2="5" stroke="#1f77b4" stroke-width="1.5"/></svg>replication (origin's colour)</span>)"
    R"(<span><svg width="26" height="14"><line x1="1" x2="18" y1="7" y2="7" stroke="#d62728" stroke-width="2"/><circle cx="19" cy="7" r="5" fill="none" stroke="#d62728" stroke-width="2"/></svg>conflict (concurrent arrival)</span>)"
    R"(<span><svg width="26" height="10"><line x1="1" x2="25" y1="5" y2="5" stroke="#999" stroke-dasharray="4 3"/></svg>arrived but older or already held</span>)"
    R"(<span><i class="swatch down"></i>down</span>)"
    R"(<span><i class="swatch cut"></i>cut off by a partition</span>)"
    R"(<span><i class="swatch paused"></i>shipping paused</span>)"
    R"(<span><i class="swatch absent"></i>no replica</span>)"
    "</div>";

}  // namespace

std::string space_time_section(const scenarios::Scenario& scenario, const scenarios::Report& report,
                               const RunIndex& index) {
  const Context c = make_context(scenario, report, index);
  std::vector<View> views{all_keys_view(c)};
  const auto items = key_views(c);
  for (size_t i = 0; i < items.size(); ++i)
    views.push_back(item_view(c, items[i]->first, items[i]->second, i));
  for (size_t i = 1; i < views.size(); ++i)
    views[i].item = &items[i - 1]->first;

  std::string out = markers(report.regions.size());
  out += "<p class=\"controls\"><label for=\"key-view\">Show:</label> <select id=\"key-view\">";
  out += "<option value=\"st-all\">every key</option>";
  for (size_t i = 0; i < items.size(); ++i) {
    out +=
        fmt::format("<option value=\"st-k{}\">{}</option>", i, escape(item_label(items[i]->first)));
  }
  out += "</select>";
  const size_t written = std::count_if(index.items().begin(), index.items().end(),
                                       [](const auto& e) { return !e.second.writes.empty(); });
  if (written > items.size()) {
    out += fmt::format(
        " <span class=\"note\">{} of {} written keys listed (conflicts and lost writes first, "
        "then the most written); <code>gtsim explain</code> tells any key's story.</span>",
        items.size(), written);
  }
  out += "</p>";
  out += kLegend;
  for (size_t i = 0; i < views.size(); ++i) {
    out += fmt::format("<div class=\"st-view\" id=\"{}\"{}><p class=\"note\">{}</p>{}</div>",
                       views[i].id, i == 0 ? "" : " hidden", escape(views[i].note),
                       Drawing(c, views[i]).svg());
  }
  return out;
}

}  // namespace gtsim::viz
