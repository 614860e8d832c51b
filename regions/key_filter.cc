#include "regions/key_filter.h"

namespace gtsim {
namespace {

constexpr size_t kFirstCapacity = 1024;
// 10 bits and 7 probes per key: about 1% false positives in a full slice.
constexpr size_t kBitsPerKey = 10;
constexpr int kProbes = 7;

// FNV-1a over each part and its length (so that ("ab", "c") and ("a", "bc") differ), then
// splitmix64's finalizer, which spreads FNV's weak high bits over the whole word.
uint64_t fnv1a(uint64_t h, std::string_view part) {
  for (unsigned char c : part)
    h = (h ^ c) * 0x100000001b3ULL;
  return (h ^ part.size()) * 0x100000001b3ULL;
}

uint64_t finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Probe `i` of a slice of `bits` bits: double hashing on the hash's halves (Kirsch and
// Mitzenmacher), reduced to [0, bits) by a multiply rather than a division.
size_t probe(uint64_t hash, int i, size_t bits) {
  const uint32_t h1 = static_cast<uint32_t>(hash);
  const uint32_t h2 = static_cast<uint32_t>(hash >> 32) | 1;
  const uint32_t mixed = h1 + static_cast<uint32_t>(i) * h2;
  return static_cast<size_t>((uint64_t{mixed} * bits) >> 32);
}

}  // namespace

KeyFilter::Slice::Slice(size_t capacity_keys)
    : words((capacity_keys * kBitsPerKey + 63) / 64), capacity(capacity_keys) {}

bool KeyFilter::Slice::test(uint64_t hash) const {
  const size_t bits = words.size() * 64;
  for (int i = 0; i < kProbes; ++i) {
    const size_t bit = probe(hash, i, bits);
    if ((words[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

void KeyFilter::Slice::set(uint64_t hash) {
  const size_t bits = words.size() * 64;
  for (int i = 0; i < kProbes; ++i) {
    const size_t bit = probe(hash, i, bits);
    words[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  ++count;
}

uint64_t KeyFilter::hash(std::string_view table, std::string_view pk, std::string_view sk) {
  return finalize(fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ULL, table), pk), sk));
}

void KeyFilter::add(std::string_view table, std::string_view pk, std::string_view sk) {
  if (slices_.empty() || slices_.back().count == slices_.back().capacity) {
    slices_.emplace_back(slices_.empty() ? kFirstCapacity : 2 * slices_.back().capacity);
  }
  slices_.back().set(hash(table, pk, sk));
}

bool KeyFilter::may_contain(std::string_view table, std::string_view pk,
                            std::string_view sk) const {
  const uint64_t h = hash(table, pk, sk);
  for (const Slice& slice : slices_) {
    if (slice.test(h)) return true;
  }
  return false;
}

size_t KeyFilter::memory_bytes() const {
  size_t bytes = 0;
  for (const Slice& slice : slices_)
    bytes += slice.words.size() * sizeof(uint64_t);
  return bytes;
}

}  // namespace gtsim
