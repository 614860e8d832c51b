#include "replicator/link_model.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/errors.h"

using namespace gtsim;
using namespace gtsim::replication;

namespace {

std::vector<double> samples(const LinkParams& params, int n, uint64_t seed = 7) {
  LinkModel model(params, seed);
  std::vector<double> out;
  for (int i = 0; i < n; ++i)
    out.push_back(double(model.sample_delay_us()));
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v)
    sum += x;
  return sum / double(v.size());
}

double stddev(const std::vector<double>& v) {
  double m = mean(v), sum = 0;
  for (double x : v)
    sum += (x - m) * (x - m);
  return std::sqrt(sum / double(v.size()));
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

constexpr int kSamples = 40000;

}  // namespace

TEST_CASE("link constant latency is exact") {
  for (double d : samples(constant_link(25000), 100))
    CHECK(d == 25000);
}

TEST_CASE("link uniform latency stays in bounds with the right mean") {
  LinkParams p;
  p.kind = LatencyKind::kUniform;
  p.min_us = 10000;
  p.max_us = 20000;
  auto s = samples(p, kSamples);
  CHECK(*std::min_element(s.begin(), s.end()) >= 10000);
  CHECK(*std::max_element(s.begin(), s.end()) <= 20000);
  CHECK(mean(s) == doctest::Approx(15000).epsilon(0.01));
}

TEST_CASE("link normal latency has its mean and deviation") {
  LinkParams p;
  p.kind = LatencyKind::kNormal;
  p.mean_us = 50000;
  p.stddev_us = 5000;
  auto s = samples(p, kSamples);
  CHECK(mean(s) == doctest::Approx(50000).epsilon(0.01));
  CHECK(stddev(s) == doctest::Approx(5000).epsilon(0.03));
}

TEST_CASE("link exponential latency has its mean") {
  LinkParams p;
  p.kind = LatencyKind::kExponential;
  p.mean_us = 20000;
  auto s = samples(p, kSamples);
  CHECK(mean(s) == doctest::Approx(20000).epsilon(0.03));
  CHECK(median(s) == doctest::Approx(20000 * std::log(2.0)).epsilon(0.03));
}

TEST_CASE("link lognormal latency has its median") {
  LinkParams p;
  p.kind = LatencyKind::kLognormal;
  p.mean_us = 30000;
  p.sigma = 0.5;
  auto s = samples(p, kSamples);
  CHECK(median(s) == doctest::Approx(30000).epsilon(0.03));
  CHECK(mean(s) == doctest::Approx(30000 * std::exp(0.125)).epsilon(0.03));
}

TEST_CASE("link jitter spreads a constant latency symmetrically") {
  LinkParams p = constant_link(40000);
  p.jitter_us = 5000;
  auto s = samples(p, kSamples);
  CHECK(*std::min_element(s.begin(), s.end()) >= 35000);
  CHECK(*std::max_element(s.begin(), s.end()) <= 45000);
  CHECK(mean(s) == doctest::Approx(40000).epsilon(0.01));
}

TEST_CASE("link loss adds retransmission timeouts") {
  LinkParams p = constant_link(10000);
  p.loss = 0.2;
  p.retransmit_timeout_us = 200000;
  auto s = samples(p, kSamples);
  for (double d : s)
    CHECK(std::fmod(d - 10000, 200000) == 0);
  // Expected losses per message: p / (1 - p).
  CHECK(mean(s) == doctest::Approx(10000 + 200000 * 0.25).epsilon(0.05));
}

TEST_CASE("link samples depend only on the seed") {
  LinkParams p;
  p.kind = LatencyKind::kLognormal;
  p.mean_us = 30000;
  p.sigma = 1;
  CHECK(samples(p, 1000, 1) == samples(p, 1000, 1));
  CHECK(samples(p, 1000, 1) != samples(p, 1000, 2));
  CHECK(link_seed(1, "a", "b") == link_seed(1, "a", "b"));
  CHECK(link_seed(1, "a", "b") != link_seed(1, "b", "a"));
  CHECK(link_seed(1, "a", "b") != link_seed(2, "a", "b"));
}

TEST_CASE("link delivery preserves send order") {
  LinkParams p;
  p.kind = LatencyKind::kExponential;
  p.mean_us = 30000;
  LinkModel model(p, 3);
  int64_t previous = 0;
  for (int i = 0; i < 10000; ++i) {
    int64_t now = i * 100;
    int64_t at = model.deliver_at(now, 100);
    CHECK(at >= previous);
    CHECK(at >= now);
    previous = at;
  }
}

TEST_CASE("link bandwidth serializes messages back to back") {
  LinkParams p = constant_link(1000);
  p.bandwidth_bytes_per_s = 1'000'000;  // one byte per microsecond
  LinkModel model(p, 1);
  CHECK(model.deliver_at(0, 500) == 1500);
  CHECK(model.deliver_at(0, 500) == 2000);  // waits for the first to leave the transmitter
  CHECK(model.deliver_at(10000, 100) == 11100);
}

TEST_CASE("link duplication happens at its rate") {
  LinkParams p = constant_link(0);
  p.duplicate = 0.1;
  LinkModel model(p, 5);
  int twice = 0;
  for (int i = 0; i < kSamples; ++i)
    twice += model.sample_duplicate();
  CHECK(double(twice) / kSamples == doctest::Approx(0.1).epsilon(0.05));
}

TEST_CASE("link parameters are validated") {
  LinkParams p = constant_link(-1);
  CHECK_THROWS_AS(p.validate(), DynamoError);
  p = constant_link(1);
  p.loss = 1;
  CHECK_THROWS_AS(LinkModel(p, 1), DynamoError);
  p = constant_link(1);
  p.kind = LatencyKind::kUniform;
  p.min_us = 5;
  p.max_us = 4;
  CHECK_THROWS_AS(p.validate(), DynamoError);
  CHECK(latency_kind_from_name("lognormal") == LatencyKind::kLognormal);
  CHECK_THROWS_AS(latency_kind_from_name("pareto"), DynamoError);
}
