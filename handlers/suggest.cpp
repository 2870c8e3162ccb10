#include "handlers/suggest.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

/// A key or typed text prepared for comparison: its folded words (with '_' and '-' removed
/// inside each word), their concatenation, and where each word starts in it.
struct prepared {
  std::string compact;
  std::vector<std::string> words;
  std::vector<std::size_t> bounds;  ///< start offsets of the words in `compact`, plus its end
  std::size_t length = 0;           ///< code points of `compact`
};

prepared prepare(std::string_view text) {
  prepared p;
  for (auto& w : split(fold(text), ' ')) {
    std::erase_if(w, [](char ch) { return ch == '_' || ch == '-'; });
    if (w.empty()) continue;
    p.bounds.push_back(p.compact.size());
    p.compact += w;
    p.words.push_back(std::move(w));
  }
  p.bounds.push_back(p.compact.size());
  p.length = code_points(p.compact).size();
  return p;
}

/// Candidate keys repeat on every call (the catalog's names and aliases, a unit's villages):
/// each is folded once per thread. The caller empties the cache only between matches, so the
/// references handed out stay valid for one match().
std::unordered_map<std::string, prepared>& key_cache() {
  thread_local std::unordered_map<std::string, prepared> cache;
  return cache;
}

const prepared& prepare_key(const std::string& key) {
  auto& cache = key_cache();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  return cache.emplace(key, prepare(key)).first->second;
}

/// Whether `inner`'s words appear, whole and in order, inside `outer` (compared compactly so
/// that "dangky khai sinh" is found in "dang ky khai sinh").
bool contains_whole_words(const prepared& outer, const prepared& inner) {
  if (inner.compact.empty() || inner.compact.size() > outer.compact.size()) return false;
  const auto is_bound = [&](std::size_t pos) {
    return std::binary_search(outer.bounds.begin(), outer.bounds.end(), pos);
  };
  for (std::size_t i = 0; i + 1 < outer.bounds.size(); ++i) {
    const std::size_t start = outer.bounds[i];
    if (outer.compact.compare(start, inner.compact.size(), inner.compact) == 0 &&
        is_bound(start + inner.compact.size()))
      return true;
  }
  return false;
}

/// Near enough to be a typo of each other: a few edits, and not a wholly different word.
bool plausible_distance(std::size_t d, std::size_t typed_len, std::size_t key_len) {
  return d <= std::max<std::size_t>(2, typed_len / 3) && d < std::min(typed_len, key_len);
}

/// Words that are the same up to one slip ("ki"/"ky", "tuong"/"tuogn").
bool similar_word(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.size() < 2 || b.size() < 2 || a[0] != b[0]) return false;
  if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return false;
  return edit_distance(a, b) <= 1;
}

/// How many of the typed words have a similar word in the key.
std::size_t shared_words(const prepared& typed, const prepared& key) {
  std::size_t n = 0;
  for (const auto& w : typed.words)
    if (std::any_of(key.words.begin(), key.words.end(),
                    [&](const std::string& k) { return similar_word(w, k); }))
      ++n;
  return n;
}

struct scored {
  std::size_t index;
  std::size_t distance;
  std::size_t shared;
};

void sort_scored(std::vector<scored>& v) {
  std::stable_sort(v.begin(), v.end(), [](const scored& a, const scored& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    return a.shared > b.shared;
  });
}

constexpr std::size_t max_suggestions = 3;

}  // namespace

match_result match(std::string_view typed, const std::vector<candidate>& candidates) {
  match_result r;
  const prepared t = prepare(typed);
  if (t.compact.empty()) return r;

  if (key_cache().size() > 4096) key_cache().clear();
  std::vector<std::vector<std::reference_wrapper<const prepared>>> keys(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i)
    for (const auto& k : candidates[i].keys) {
      const prepared& p = prepare_key(k);
      if (!p.compact.empty()) keys[i].push_back(std::cref(p));
    }

  // 1. Exact folded equality with some key.
  std::vector<std::size_t> exact;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (std::any_of(keys[i].begin(), keys[i].end(),
                    [&](const prepared& k) { return k.compact == t.compact; }))
      exact.push_back(i);
  if (exact.size() == 1) {
    r.how = match_result::kind::exact;
    r.index = exact.front();
    return r;
  }
  if (exact.size() > 1) {  // two entries share a key: the user must choose
    r.how = match_result::kind::ambiguous;
    exact.resize(std::min(exact.size(), max_suggestions));
    r.suggestions = exact;
    return r;
  }

  // 2. Whole-word containment either way; closest in length first.
  std::vector<scored> containing;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (const prepared& k : keys[i])
      if (contains_whole_words(k, t) || contains_whole_words(t, k)) {
        const std::size_t diff = k.length > t.length ? k.length - t.length : t.length - k.length;
        best = std::min(best, diff);
      }
    if (best != std::numeric_limits<std::size_t>::max()) containing.push_back({i, best, 0});
  }
  if (containing.size() == 1) {
    r.how = match_result::kind::unique_prefix;
    r.index = containing.front().index;
    return r;
  }
  if (containing.size() > 1) {
    sort_scored(containing);
    r.how = match_result::kind::ambiguous;
    for (std::size_t i = 0; i < containing.size() && i < max_suggestions; ++i)
      r.suggestions.push_back(containing[i].index);
    return r;
  }

  // 3. Nothing matched: offer plausible typos, or keys sharing most of the words.
  std::vector<scored> near;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    bool plausible = false;
    std::size_t best_d = std::numeric_limits<std::size_t>::max();
    std::size_t best_shared = 0;
    for (const prepared& k : keys[i]) {
      // The length difference bounds the distance from below; past the threshold the
      // (quadratic) distance cannot make the key plausible, so a long paste stays cheap.
      const std::size_t gap = k.length > t.length ? k.length - t.length : t.length - k.length;
      const std::size_t d = gap > std::max<std::size_t>(2, t.length / 3)
                                ? gap
                                : edit_distance(t.compact, k.compact);
      const std::size_t shared = shared_words(t, k);
      const std::size_t most = std::max(t.words.size(), k.words.size());
      if (plausible_distance(d, t.length, k.length) || (shared > 0 && shared * 3 >= most * 2))
        plausible = true;
      best_d = std::min(best_d, d);
      best_shared = std::max(best_shared, shared);
    }
    if (plausible) near.push_back({i, best_d, best_shared});
  }
  sort_scored(near);
  for (std::size_t i = 0; i < near.size() && i < max_suggestions; ++i)
    r.suggestions.push_back(near[i].index);
  return r;
}

std::vector<std::string> closest(std::string_view typed, const std::vector<std::string>& options,
                                 std::size_t max) {
  const std::string t = fold_compact(typed);
  const std::size_t tl = code_points(t).size();
  std::vector<std::string> out;
  if (t.empty() || max == 0) return out;
  struct hit {
    std::size_t index;
    std::size_t distance;
  };
  std::vector<hit> hits;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (std::find(options.begin(), options.begin() + static_cast<std::ptrdiff_t>(i),
                  options[i]) != options.begin() + static_cast<std::ptrdiff_t>(i))
      continue;  // duplicate option
    const std::string o = fold_compact(options[i]);
    if (o.empty()) continue;
    const std::size_t ol = code_points(o).size();
    if ((ol > tl ? ol - tl : tl - ol) > std::max<std::size_t>(2, tl / 3)) continue;  // too far
    const std::size_t d = edit_distance(t, o);
    if (d == 0 || plausible_distance(d, tl, ol)) hits.push_back({i, d});
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const hit& a, const hit& b) { return a.distance < b.distance; });
  for (std::size_t i = 0; i < hits.size() && i < max; ++i) out.push_back(options[hits[i].index]);
  return out;
}

}  // namespace tannha::handlers
