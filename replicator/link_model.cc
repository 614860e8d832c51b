#include "replicator/link_model.h"

#include <algorithm>
#include <cmath>

#include "model/errors.h"

namespace gtsim::replication {

const char* latency_kind_name(LatencyKind kind) {
  switch (kind) {
    case LatencyKind::kConstant:
      return "constant";
    case LatencyKind::kUniform:
      return "uniform";
    case LatencyKind::kNormal:
      return "normal";
    case LatencyKind::kExponential:
      return "exponential";
    case LatencyKind::kLognormal:
      return "lognormal";
  }
  return "constant";
}

LatencyKind latency_kind_from_name(const std::string& name) {
  for (LatencyKind kind : {LatencyKind::kConstant, LatencyKind::kUniform, LatencyKind::kNormal,
                           LatencyKind::kExponential, LatencyKind::kLognormal}) {
    if (name == latency_kind_name(kind)) return kind;
  }
  throw_validation("unknown latency distribution '" + name +
                   "' (known: constant, uniform, normal, exponential, lognormal)");
}

void LinkParams::validate() const {
  if (mean_us < 0 || min_us < 0 || max_us < 0 || stddev_us < 0 || jitter_us < 0 ||
      retransmit_timeout_us < 0 || bandwidth_bytes_per_s < 0 || sigma < 0) {
    throw_validation("link parameters must not be negative");
  }
  if (kind == LatencyKind::kUniform && min_us > max_us) {
    throw_validation("uniform latency needs min <= max");
  }
  if (kind == LatencyKind::kExponential && min_us > mean_us) {
    throw_validation("exponential latency needs its floor min <= mean");
  }
  if (!(loss >= 0 && loss < 1)) throw_validation("link loss must be in [0, 1)");
  if (!(duplicate >= 0 && duplicate < 1)) throw_validation("link duplication must be in [0, 1)");
}

LinkParams constant_link(int64_t one_way_us) {
  LinkParams params;
  params.mean_us = one_way_us;
  return params;
}

LinkModel::LinkModel(const LinkParams& params, uint64_t seed) : params_(params), rng_(seed) {
  params.validate();
}

void LinkModel::set_params(const LinkParams& params) {
  params.validate();
  params_ = params;
}

double LinkModel::uniform01() {
  return double(rng_() >> 11) * 0x1.0p-53;
}

// Box-Muller; uses two uniforms per sample so that the sequence depends on nothing but the seed.
double LinkModel::standard_normal() {
  double u1 = 1.0 - uniform01();  // (0, 1]
  double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

int64_t LinkModel::sample_delay_us() {
  const LinkParams& p = params_;
  double delay = 0;
  switch (p.kind) {
    case LatencyKind::kConstant:
      delay = double(p.mean_us);
      break;
    case LatencyKind::kUniform:
      delay = p.min_us + uniform01() * double(p.max_us - p.min_us);
      break;
    case LatencyKind::kNormal:
      delay = p.mean_us + standard_normal() * double(p.stddev_us);
      break;
    case LatencyKind::kExponential:
      delay = p.min_us - std::log(1.0 - uniform01()) * double(p.mean_us - p.min_us);
      break;
    case LatencyKind::kLognormal:
      delay = double(p.mean_us) * std::exp(p.sigma * standard_normal());
      break;
  }
  if (p.jitter_us > 0) delay += (2 * uniform01() - 1) * double(p.jitter_us);
  if (p.loss > 0) {
    while (uniform01() < p.loss)
      delay += double(p.retransmit_timeout_us);
  }
  return std::max<int64_t>(0, std::llround(delay));
}

bool LinkModel::sample_duplicate() {
  return params_.duplicate > 0 && uniform01() < params_.duplicate;
}

int64_t LinkModel::deliver_at(int64_t now_us, size_t bytes) {
  int64_t sent = now_us;
  if (params_.bandwidth_bytes_per_s > 0) {
    int64_t serialization =
        int64_t((__int128(bytes) * 1'000'000 + params_.bandwidth_bytes_per_s - 1) /
                params_.bandwidth_bytes_per_s);
    sent = std::max(now_us, transmitter_free_us_) + serialization;
    transmitter_free_us_ = sent;
  }
  last_delivery_us_ = std::max(last_delivery_us_, sent + sample_delay_us());
  return last_delivery_us_;
}

uint64_t link_seed(uint64_t run_seed, const std::string& from, const std::string& to) {
  // FNV-1a over the names, mixed with the run seed by SplitMix64's finalizer.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : from + "->" + to)
    h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
  uint64_t z = h ^ (run_seed + 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace gtsim::replication
