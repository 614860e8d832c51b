// KeyFilter: which item keys may have a row in a region's file, so that a write of a new key
// skips the read that would find none.
//
// Why: before every write a region reads the key's stored row (to merge, to return old images, to
// log what LWW discarded). For a key with no row that read is a B-tree search that finds nothing,
// a fifth of the work of applying a replicated insert (docs/benchmarks.md, eighteenth round).
// A Bloom filter answers "certainly not" for most such keys from memory.
//
// Contract: may_contain() is true for every key add()ed; for a key never added it is false but
// for a small share of keys (false positives, about 1% per slice: under 10% for a million keys).
// The filter only grows: a key whose row goes (a purged tombstone, a rolled-back insert) stays
// "maybe", which costs a read, never a wrong answer. It grows as keys come, in slices each twice
// the last's capacity (a scalable Bloom filter), so it never needs the keys again: 10 bits per
// key it has room for, at most twice the keys it holds (1.3 – 2.6 MB for a million).
//
// Thread-safety: not thread-safe; one owner (its Region).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gtsim {

class KeyFilter {
 public:
  KeyFilter() = default;

  // Records that (table, pk, sk) may have a row. Each call takes a place in the filter, so its
  // owner adds a key when the key's row is new, not with every write of it (a key added twice
  // only fills the filter sooner).
  void add(std::string_view table, std::string_view pk, std::string_view sk);
  // False only when (table, pk, sk) was never added.
  bool may_contain(std::string_view table, std::string_view pk, std::string_view sk) const;

  // Bytes the filter's bits take.
  size_t memory_bytes() const;

 private:
  struct Slice {
    explicit Slice(size_t capacity);
    bool test(uint64_t hash) const;
    void set(uint64_t hash);

    std::vector<uint64_t> words;
    size_t capacity;
    size_t count = 0;
  };

  static uint64_t hash(std::string_view table, std::string_view pk, std::string_view sk);

  std::vector<Slice> slices_;  // the last one takes new keys
};

}  // namespace gtsim
