// End-to-end: real `gtsim region` processes on loopback, driven through their control channels.
// Every wait is bounded; every process is killed when its test ends.
#include <doctest/doctest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "model/errors.h"
#include "replicator/child_process.h"
#include "replicator/control_client.h"
#include "replicator/region_server.h"
#include "replicator/reserved_port.h"
#include "tests/support/temp_dir.h"

using namespace gtsim;
using namespace gtsim::replication;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "e2e-secret";
const std::string kRunId = "e2e";

// Polls `done` every 20 ms until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// `gtsim region`'s arguments for a region of these tests, its files in `dir`.
std::vector<std::string> region_args(const std::filesystem::path& dir, const std::string& name,
                                     const ReservedPort& peer_port,
                                     const ReservedPort& control_port) {
  return {GTSIM_BINARY,    "region",
          "--name",        name,
          "--db",          (dir / (name + ".db")).string(),
          "--listen",      peer_port.address(),
          "--control",     control_port.address(),
          "--secret-file", (dir / "secret").string(),
          "--run-id",      kRunId};
}

// A control connection to the region listening on `control_port`, retried for up to 10 s while
// it starts; null when none was accepted.
std::unique_ptr<ControlClient> connect_control(const ReservedPort& control_port) {
  std::unique_ptr<ControlClient> client;
  wait_until(
      [&] {
        try {
          client = std::make_unique<ControlClient>(control_port.address(), kSecret, kRunId);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      10s);
  return client;
}

// Regions named r0, r1, ... fully meshed, each a `gtsim region` process.
class Cluster {
 public:
  Cluster(int n, double latency_ms) : latency_ms_(latency_ms) {
    std::ofstream(dir_.path() / "secret") << kSecret << "\n";
    for (int i = 0; i < n; ++i) {
      names_.push_back(fmt::format("r{}", i));
      peer_ports_.emplace_back();
      control_ports_.emplace_back();
    }
    processes_.resize(n);
    clients_.resize(n);
    for (int i = 0; i < n; ++i)
      start(i);
    for (int i = 0; i < n; ++i) {
      client(i).call("CreateTable", {{"name", "users"},
                                     {"partition_key", {{"name", "id"}, {"type", "S"}}},
                                     {"conflict_policy", "lww"},
                                     {"timestamp_policy", "monotonic-per-item"},
                                     {"tombstone_retention_us", kDefaultRetentionUs},
                                     {"stream_retention_us", kDefaultRetentionUs}});
    }
    // A dialer that found its peer not yet listening retries with backoff; writes made before
    // the links are up would measure that start-up, not replication.
    REQUIRE(wait_until([&] { return all_connected(); }, 20s));
  }
  ~Cluster() {
    for (ChildProcess& p : processes_)
      p.kill();
  }

  int size() const { return int(names_.size()); }
  const std::string& name(int i) const { return names_[i]; }
  std::filesystem::path db(int i) const { return dir_.path() / (names_[i] + ".db"); }
  uint16_t peer_port(int i) const { return peer_ports_[i].port(); }
  ControlClient& client(int i) { return *clients_[i]; }

  void start(int i) {
    std::vector<std::string> args =
        region_args(dir_.path(), names_[i], peer_ports_[i], control_ports_[i]);
    args.insert(args.end(), {"--latency-ms", std::to_string(latency_ms_), "--reserved-ports"});
    std::string peers;
    for (int j = 0; j < size(); ++j) {
      if (j == i) continue;
      if (!peers.empty()) peers += ",";
      peers += names_[j] + "=" + peer_ports_[j].address();
    }
    args.push_back("--peers");
    args.push_back(peers);
    processes_[i] = ChildProcess(args, dir_.file(names_[i] + ".log"));
    clients_[i] = connect_control(control_ports_[i]);
    REQUIRE(clients_[i]);
  }

  void kill(int i) {
    processes_[i].kill();
    clients_[i].reset();
  }

  std::string log(int i) const { return testing::file_text(dir_.file(names_[i] + ".log")); }

  bool all_connected() {
    for (int i = 0; i < size(); ++i) {
      for (const LinkStatus& link : client(i).status(false).links) {
        if (!link.connected) return false;
      }
    }
    return true;
  }

  // Every region applied every other region's every write and all digests agree.
  bool converged() {
    std::vector<RegionStatus> statuses;
    for (int i = 0; i < size(); ++i)
      statuses.push_back(client(i).status());
    for (const RegionStatus& s : statuses) {
      if (s.digests != statuses[0].digests) return false;
      for (const RegionStatus& origin : statuses) {
        if (&origin == &s || origin.last_local_seq == 0) continue;
        auto it = s.cursors.find(origin.region);
        if (it == s.cursors.end() || it->second != origin.last_local_seq) return false;
      }
    }
    return true;
  }

  bool wait_converged(std::chrono::milliseconds timeout = 20s) {
    return wait_until([&] { return converged(); }, timeout);
  }

 private:
  double latency_ms_;
  testing::TempDir dir_;  // removed after the processes that write in it are killed
  std::vector<std::string> names_;
  std::vector<ReservedPort> peer_ports_, control_ports_;
  std::vector<ChildProcess> processes_;
  std::vector<std::unique_ptr<ControlClient>> clients_;
};

json put(const std::string& id, const std::string& value) {
  return {{"TableName", "users"}, {"Item", {{"id", {{"S", id}}}, {"v", {{"S", value}}}}}};
}

json key(const std::string& id) {
  return {{"TableName", "users"}, {"Key", {{"id", {{"S", id}}}}}};
}

std::optional<std::string> value_of(ControlClient& client, const std::string& id) {
  json got = client.call("GetItem", key(id));
  if (!got.contains("Item")) return std::nullopt;
  return got["Item"]["v"]["S"].get<std::string>();
}

// Rows of the region's apply log: (origin, seq) -> {commit, applied, classification}.
struct LogRow {
  int64_t commit_true_us, applied_true_us;
  std::string classification;
};
std::vector<LogRow> apply_log(const std::filesystem::path& db) {
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_busy_timeout(handle, 2000);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(handle,
                             "SELECT commit_true_us, applied_true_us, classification "
                             "FROM applied_log",
                             -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<LogRow> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    rows.push_back({sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                    reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2))});
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return rows;
}

}  // namespace

TEST_CASE("a region process binds a reserved port only when told the port is reserved") {
  const testing::TempDir temp;
  const std::filesystem::path& dir = temp.path();
  std::ofstream(dir / "secret") << kSecret << "\n";
  ReservedPort peer, control;
  auto start = [&](const std::string& name, bool reserved) {
    std::vector<std::string> args = region_args(dir, name, peer, control);
    if (reserved) args.push_back("--reserved-ports");
    return ChildProcess(args, (dir / (name + ".log")).string());
  };
  // Without the flag the reservation is another process's port, as a mistaken second region's
  // would be: the region says so and exits.
  ChildProcess plain = start("plain", false);
  REQUIRE(wait_until([&] { return plain.exited(); }, 10s));
  const std::string logged = testing::file_text(dir / "plain.log");
  CHECK(logged.find("Address already in use") != std::string::npos);
  // With it, the region binds beside the reservation and serves.
  ChildProcess shared = start("shared", true);
  CHECK(connect_control(control));
  shared.kill();
}

TEST_CASE("region processes replicate writes, converge to lww and let deletes win") {
  Cluster c(3, 5);
  c.client(0).call("PutItem", put("a", "from-r0"));
  c.client(1).call("PutItem", put("b", "from-r1"));
  c.client(2).call("PutItem", put("c", "from-r2"));
  REQUIRE(c.wait_converged());
  for (int i = 0; i < 3; ++i) {
    CHECK(value_of(c.client(i), "a") == "from-r0");
    CHECK(value_of(c.client(i), "c") == "from-r2");
  }

  // Concurrent writes to one key: the highest LWW stamp wins everywhere.
  json v0 = c.client(0).call("PutItem", put("k", "r0"))["Version"];
  json v1 = c.client(1).call("PutItem", put("k", "r1"))["Version"];
  REQUIRE(c.wait_converged());
  std::string winner = std::make_tuple(v0["ts"].get<int64_t>(), std::string("r0")) >
                               std::make_tuple(v1["ts"].get<int64_t>(), std::string("r1"))
                           ? "r0"
                           : "r1";
  for (int i = 0; i < 3; ++i)
    CHECK(value_of(c.client(i), "k") == winner);

  // A delete beats an older concurrent put that arrives after it: r0's shipping is paused.
  c.client(0).set_paused(c.name(1), true);
  c.client(0).set_paused(c.name(2), true);
  c.client(0).call("PutItem", put("d", "old"));
  std::this_thread::sleep_for(5ms);
  c.client(1).call("DeleteItem", key("d"));
  std::this_thread::sleep_for(100ms);
  c.client(0).set_paused(c.name(1), false);
  c.client(0).set_paused(c.name(2), false);
  REQUIRE(c.wait_converged());
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(value_of(c.client(i), "d").has_value());
}

TEST_CASE("a region process answers a status without digests with the same links and cursors") {
  Cluster c(2, 0);
  c.client(0).call("PutItem", put("a", "from-r0"));
  REQUIRE(c.wait_converged());
  for (int i = 0; i < 2; ++i) {
    const RegionStatus full = c.client(i).status();
    const RegionStatus light = c.client(i).status(false);
    CHECK(full.digests.count("users") == 1);
    CHECK(light.digests.empty());
    CHECK(light.region == full.region);
    CHECK(light.last_local_seq == full.last_local_seq);
    CHECK(light.cursors == full.cursors);
    REQUIRE(light.links.size() == full.links.size());
    for (size_t l = 0; l < light.links.size(); ++l) {
      CHECK(light.links[l].peer == full.links[l].peer);
      CHECK(light.links[l].acked_seq == full.links[l].acked_seq);
      CHECK(light.links[l].pending == full.links[l].pending);
    }
  }
}

TEST_CASE("region processes lag at least the link latency and little more") {
  const int64_t latency_us = 50'000;
  Cluster c(2, latency_us / 1000.0);
  for (int i = 0; i < 40; ++i) {
    c.client(0).call("PutItem", put(fmt::format("k{}", i), "v"));
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(c.wait_converged());
  std::vector<LogRow> rows = apply_log(c.db(1));
  REQUIRE(rows.size() == 40);
  std::vector<int64_t> lags;
  for (const LogRow& row : rows)
    lags.push_back(row.applied_true_us - row.commit_true_us);
  std::sort(lags.begin(), lags.end());
  INFO("lags in microseconds, sorted: ", fmt::format("{}", fmt::join(lags, " ")));
  CHECK(lags.front() >= latency_us);
  CHECK(lags[lags.size() / 2] <= latency_us + 5'000);
}

TEST_CASE("region processes converge after a partition heals, conflicts classified") {
  Cluster c(3, 2);
  c.client(0).set_partitioned(c.name(1), true);
  c.client(1).set_partitioned(c.name(0), true);
  c.client(0).call("PutItem", put("p", "r0-side"));
  c.client(1).call("PutItem", put("p", "r1-side"));
  std::this_thread::sleep_for(200ms);
  RegionStatus cut = c.client(0).status();
  CHECK(std::any_of(cut.links.begin(), cut.links.end(),
                    [](const LinkStatus& l) { return l.partitioned && l.pending == 1; }));
  c.client(0).set_partitioned(c.name(1), false);
  c.client(1).set_partitioned(c.name(0), false);
  REQUIRE(c.wait_converged());
  int concurrent = 0;
  for (int i = 0; i < 3; ++i) {
    for (const LogRow& row : apply_log(c.db(i)))
      concurrent += row.classification == "concurrent";
  }
  CHECK(concurrent >= 2);
}

TEST_CASE("a region killed mid-stream restarts and loses no acknowledged write") {
  Cluster c(3, 2);
  std::map<std::string, json> acked;  // id -> version of the last acknowledged write
  for (int i = 0; i < 200; ++i) {
    int in = i % 2;  // writes to r0 (killed) and r1
    std::string id = fmt::format("k{}", i % 50);
    if (i == 120) c.kill(0);
    if (in == 0 && i >= 120 && i < 160) continue;  // r0 is down
    if (i == 160) c.start(0);
    acked[id] = c.client(in).call("PutItem", put(id, std::to_string(i)))["Version"];
  }
  REQUIRE(c.wait_converged(30s));
  for (const auto& [id, version] : acked) {
    for (int i = 0; i < 3; ++i) {
      json got = c.client(i).call("GetItem", key(id));
      REQUIRE(got.contains("Version"));
      auto stamp = [](const json& v) {
        return std::make_tuple(v["ts"].get<int64_t>(), v["origin"].get<std::string>(),
                               v["seq"].get<uint64_t>());
      };
      CHECK(stamp(got["Version"]) >= stamp(version));
    }
  }
}

TEST_CASE("region processes refuse garbage and wrong secrets and keep replicating") {
  Cluster c(2, 1);
  boost::asio::io_context io;
  auto endpoint =
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), c.peer_port(0));
  auto closed_by_region = [&](const std::string& bytes, bool half_close) {
    boost::asio::ip::tcp::socket socket(io);
    socket.connect(endpoint);
    boost::asio::write(socket, boost::asio::buffer(bytes));
    if (half_close) socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send);
    char byte;
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::buffer(&byte, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  };
  CHECK(closed_by_region(std::string(64, '\x7f'), false));  // garbage header
  std::string oversized("\0\0\0\0\xff\xff\xff\x0f", 8);     // one segment of 2 GB
  CHECK(closed_by_region(oversized, false));
  std::string hello = encode_peer_message(make_hello("wrong", "r1", kRunId, "nonce", 0));
  CHECK(closed_by_region(hello, false));
  std::string valid = encode_peer_message(make_hello(kSecret, "r1", kRunId, "n", 0));
  CHECK(closed_by_region(valid.substr(0, valid.size() / 2), true));  // a half-written frame

  c.client(1).call("PutItem", put("after", "ok"));
  REQUIRE(c.wait_converged());
  CHECK(value_of(c.client(0), "after") == "ok");
  std::string log = c.log(0);
  CHECK(log.find("shared-secret") != std::string::npos);
  CHECK(log.find("mid-frame") != std::string::npos);
}
