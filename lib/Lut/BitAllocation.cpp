//===- BitAllocation.cpp - Bit widths under a model-wide budget -----------===//
//
// Multiple-choice knapsack, solved exactly by bounding on the Lagrangian
// (LP) relaxation:
//
//  1. Per item, dominated choices are dropped and the lower convex hull of
//     the rest is taken. The LP relaxation is solved greedily over the hull
//     segments, most cost saved per bit first; the first segment that does
//     not fit sets the multiplier lambda. The greedy solution, rounded down
//     and continued with what still fits, is the first incumbent.
//  2. With v = cost + lambda * bits and m_t = min_j v_tj, every x satisfies
//       cost(x) = L + sum_t rc(t, x_t) + lambda * (budget - bits(x)),
//     where L = sum_t m_t - lambda * budget is the LP bound and
//     rc(t, j) = v_tj - m_t >= 0. Choices whose rc alone lifts L to the
//     incumbent are fixed out.
//  3. The items left with several choices are searched exactly, by dynamic
//     programming over partial assignments: those dominated in (bits, cost)
//     are dropped, and so are those whose bound (L, their rc, and the LP
//     relaxation of the items not yet assigned, in the bits left) cannot
//     beat the incumbent. A depth-first search over the bounds of step 2
//     alone does not finish 300 model-like items in millions of nodes: it
//     enumerates one by one the many near-equivalent combinations of small
//     items that dominance merges.
//
// Floating point: L and the reduced costs are computed relative to the LP
// solution, so that their rounding stays at the scale of the costs, and then
// lowered by bounds on that rounding. A candidate replaces the incumbent only
// when its cost (summed in item order) is lower by more than 8 (n + 4)
// DBL_EPSILON times the incumbent cost (about 2e-12 for 1000 items), and a
// node is pruned when its bound, allowing for the rounding in summing it,
// cannot get that low. So the result is optimal up to that tolerance, of
// near-ties the first found is kept, and rounding never prunes an acceptable
// candidate.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/BitAllocation.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <iterator>
#include <limits>

using namespace palettize;

namespace {

constexpr uint64_t kMaxBits = std::numeric_limits<uint64_t>::max();

/// a + b, or kMaxBits when that overflows (only used where a saturated sum
/// means "more than any budget" or merely weakens a bound).
uint64_t addSaturating(uint64_t a, uint64_t b) {
  return a > kMaxBits - b ? kMaxBits : a + b;
}

/// A non-dominated choice of one item.
struct Option {
  uint64_t bits;
  double cost;
  /// Index into the item's choice list.
  size_t index;
  /// Reduced cost at the critical multiplier, rounded down to be safe.
  double rc = 0;
};

/// The Pareto front of one item: bits strictly increasing, cost strictly
/// decreasing. Of exact duplicates only the lowest index survives.
std::vector<Option> paretoFront(const std::vector<AllocationChoice> &choices) {
  std::vector<size_t> order(choices.size());
  for (size_t j = 0; j < order.size(); ++j)
    order[j] = j;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (choices[a].bits != choices[b].bits)
      return choices[a].bits < choices[b].bits;
    if (choices[a].cost != choices[b].cost)
      return choices[a].cost < choices[b].cost;
    return a < b;
  });
  std::vector<Option> front;
  for (size_t j : order)
    if (front.empty() || choices[j].cost < front.back().cost)
      front.push_back({choices[j].bits, choices[j].cost, j});
  return front;
}

/// Cost saved per extra bit going from front point a to the later point b.
double efficiency(const Option &a, const Option &b) {
  return (a.cost - b.cost) / double(b.bits - a.bits);
}

/// Positions (into the front) of the lower convex hull. The efficiencies of
/// consecutive hull segments are strictly decreasing as computed by
/// `efficiency`, so sorting segments by it keeps each item's hull order.
std::vector<size_t> lowerHull(const std::vector<Option> &front) {
  std::vector<size_t> hull;
  for (size_t p = 0; p < front.size(); ++p) {
    while (hull.size() >= 2 &&
           efficiency(front[hull[hull.size() - 2]], front[hull.back()]) <=
               efficiency(front[hull.back()], front[p]))
      hull.pop_back();
    hull.push_back(p);
  }
  return hull;
}

/// A candidate replaces the incumbent only when cheaper by more than twice
/// the rounding error of a bound, so that a node can be pruned as soon as
/// its bound is within one rounding error of that: near-ties are not
/// explored, and rounding in the bounds can never prune a candidate that
/// would have been accepted.
bool isAccepted(double cost, double incumbentCost, double roundingError) {
  return cost < incumbentCost - 2 * roundingError;
}

double pruneThreshold(double incumbentCost, double roundingError) {
  return incumbentCost - roundingError;
}

struct Segment {
  double efficiency;
  size_t item;
  /// From hull point `step` to `step + 1`.
  size_t step;
};

/// A lower bound on what the items not yet assigned (those from the current
/// depth of the search on) add to the bound, given the bits left to them:
/// the LP relaxation of
///   min sum_rest rc(t, x_t) + lambda * (spare - sum_rest bits(t, x_t)).
/// Measured from the reference (LP) points z, whose rc is zero (or more),
/// every hull segment above z fills a bit of slack at a rate lambda - e >= 0
/// instead of lambda, and every segment below z frees a bit at a rate
/// e - lambda >= 0; so the relaxation is a convex function of spare -
/// bits(z), made of those pieces in increasing rate. All its terms are
/// non-negative, which keeps the rounding small; a bound on it is
/// subtracted.
class RestBound {
public:
  struct Piece {
    double rate;
    uint64_t bits;
  };

  /// `up[t]` and `down[t]`: item t's pieces; `zBits[t]` and `maxCost[t]` its
  /// reference bits and largest cost.
  RestBound(const std::vector<size_t> &freeItems,
            const std::vector<std::vector<Piece>> &up,
            const std::vector<std::vector<Piece>> &down,
            const std::vector<uint64_t> &zBits,
            const std::vector<double> &maxCost, double lambda)
      : lambda(lambda), scale(16 * double(freeItems.size() + 4) * DBL_EPSILON) {
    const size_t depth = freeItems.size();
    restBits.assign(depth + 1, 0);
    restMaxCost.assign(depth + 1, 0);
    for (size_t d = depth; d-- > 0;) {
      const size_t t = freeItems[d];
      for (const Piece &piece : up[t])
        ups.all.push_back({piece.rate, piece.bits, d});
      for (const Piece &piece : down[t])
        downs.all.push_back({piece.rate, piece.bits, d});
      restBits[d] = addSaturating(restBits[d + 1], zBits[t]);
      restMaxCost[d] = restMaxCost[d + 1] + maxCost[t];
    }
    for (Side *side : {&ups, &downs})
      std::sort(side->all.begin(), side->all.end(),
                [](const Tagged &a, const Tagged &b) {
                  if (a.rate != b.rate)
                    return a.rate < b.rate;
                  return a.depth < b.depth;
                });
  }

  /// Restricts the bound to the items from `depth` on. O(pieces); the search
  /// moves through the depths in order, so this is all the memory needed.
  void setDepth(size_t newDepth) {
    depth = newDepth;
    for (Side *side : {&ups, &downs}) {
      side->cumulative.clear();
      uint64_t end = 0;
      double cost = 0;
      for (const Tagged &piece : side->all) {
        if (piece.depth < depth)
          continue;
        end = addSaturating(end, piece.bits);
        cost += piece.rate * double(piece.bits);
        side->cumulative.push_back({end, cost, piece.rate});
      }
    }
  }

  /// The bound with `spare` bits left, or infinity when the items left
  /// cannot be made to fit in them.
  double operator()(uint64_t spare) const {
    double value, offset;
    if (spare >= restBits[depth]) {
      const uint64_t u = spare - restBits[depth];
      offset = lambda * double(u);
      value = evaluate(ups.cumulative, u, lambda);
    } else {
      const uint64_t v = restBits[depth] - spare;
      offset = lambda * double(v);
      value = evaluate(downs.cumulative, v,
                       std::numeric_limits<double>::infinity());
    }
    // Rounding in the rates and their sums, and in the hulls themselves.
    return value - scale * (value + offset + restMaxCost[depth]);
  }

private:
  struct Tagged {
    double rate;
    uint64_t bits;
    size_t depth;
  };
  struct Cumulative {
    uint64_t end;
    double cost, rate;
  };
  struct Side {
    std::vector<Tagged> all;
    std::vector<Cumulative> cumulative;
  };

  /// The cost of `bits` taken from the pieces in order, then at
  /// `beyondRate`.
  static double evaluate(const std::vector<Cumulative> &pieces, uint64_t bits,
                         double beyondRate) {
    auto it = std::upper_bound(
        pieces.begin(), pieces.end(), bits,
        [](uint64_t b, const Cumulative &piece) { return b < piece.end; });
    if (it == pieces.end()) {
      const uint64_t end = pieces.empty() ? 0 : pieces.back().end;
      const double cost = pieces.empty() ? 0 : pieces.back().cost;
      return bits == end ? cost : cost + beyondRate * double(bits - end);
    }
    if (it == pieces.begin())
      return it->rate * double(bits);
    const auto previous = std::prev(it);
    return previous->cost + it->rate * double(bits - previous->end);
  }

  const double lambda;
  const double scale;
  size_t depth = 0;
  Side ups, downs;
  std::vector<uint64_t> restBits;
  std::vector<double> restMaxCost;
};

/// The exact search: dynamic programming over the items left with more than
/// one option, in a fixed order. A state is a partial assignment of the items
/// processed so far. After each item, the states dominated by another (no
/// fewer bits at no lower cost) are dropped, and so are those whose bound
///   L + (rc of the assigned options) + (the rest bound in the bits left)
/// cannot beat the incumbent (every term already rounded down to be safe).
/// Every state is also completed with the lowest-rc option of each item
/// left (about the LP solution) to improve the incumbent early. The nodes
/// counted are the states generated.
class Search {
public:
  Search(const std::vector<std::vector<Option>> &options,
         const std::vector<size_t> &freeItems, uint64_t budget, double lambda,
         double bound, double roundingError, size_t maxNodes,
         RestBound &restBound, std::vector<size_t> &incumbent,
         double &incumbentCost)
      : options(options), freeItems(freeItems), budget(budget), lambda(lambda),
        bound(bound), roundingError(roundingError), maxNodes(maxNodes),
        restBound(restBound), incumbent(incumbent),
        incumbentCost(incumbentCost) {
    const size_t depth = freeItems.size();
    suffixMinBits.assign(depth + 1, 0);
    suffixMaxBits.assign(depth + 1, 0);
    suffixRestBits.assign(depth + 1, 0);
    suffixMinRc.assign(depth + 1, 0);
    suffixRestCost.assign(depth + 1, 0);
    for (size_t d = depth; d-- > 0;) {
      const std::vector<Option> &itemOptions = options[freeItems[d]];
      uint64_t minBits = kMaxBits, maxBits = 0;
      for (const Option &option : itemOptions) {
        minBits = std::min(minBits, option.bits);
        maxBits = std::max(maxBits, option.bits);
      }
      suffixMinBits[d] = addSaturating(suffixMinBits[d + 1], minBits);
      suffixMaxBits[d] = addSaturating(suffixMaxBits[d + 1], maxBits);
      // Options are sorted by rc: the first is the least.
      suffixRestBits[d] =
          addSaturating(suffixRestBits[d + 1], itemOptions.front().bits);
      suffixMinRc[d] = suffixMinRc[d + 1] + itemOptions.front().rc;
      suffixRestCost[d] = suffixRestCost[d + 1] + itemOptions.front().cost;
    }
  }

  /// Runs the search from the single-option items, which together take
  /// `baseBits`, `baseCost` and `baseRc`. Returns false when the node limit
  /// stopped it.
  bool run(uint64_t baseBits, double baseCost, double baseRc) {
    restBound.setDepth(0);
    // Fixing may have left some item only more than its fewest bits.
    if (baseBits > budget || budget - baseBits < suffixMinBits[0] ||
        nodeBound(0, baseBits, baseRc) >=
            pruneThreshold(incumbentCost, roundingError))
      return true;
    std::vector<State> states = {{baseBits, baseCost, baseRc, 0, 0}};
    std::vector<State> candidates;
    complete(0, states.front(), 0);
    for (size_t depth = 0; depth < freeItems.size(); ++depth) {
      const std::vector<Option> &itemOptions = options[freeItems[depth]];
      restBound.setDepth(depth + 1);
      candidates.clear();
      for (size_t s = 0; s < states.size(); ++s) {
        const State &state = states[s];
        for (size_t o = 0; o < itemOptions.size(); ++o) {
          const Option &option = itemOptions[o];
          const double rc = state.rc + option.rc;
          const double threshold = pruneThreshold(incumbentCost, roundingError);
          // Options come in increasing rc: once the rc part fails, all do.
          if (bound + rc + suffixMinRc[depth + 1] >= threshold)
            break;
          // Every state keeps suffixMinBits[depth] <= budget - bits.
          if (option.bits > budget - state.bits - suffixMinBits[depth + 1])
            continue;
          const uint64_t bits = state.bits + option.bits;
          if (nodeBound(depth + 1, bits, rc) >= threshold)
            continue;
          if (nodes == maxNodes || s > kMaxIndex || o > kMaxIndex)
            return false;
          ++nodes;
          candidates.push_back(
              {bits, state.cost + option.cost, rc, uint32_t(s), uint32_t(o)});
        }
      }
      // Ties keep the earliest state and option, for determinism.
      std::sort(candidates.begin(), candidates.end(),
                [](const State &a, const State &b) {
                  if (a.bits != b.bits)
                    return a.bits < b.bits;
                  if (a.cost != b.cost)
                    return a.cost < b.cost;
                  if (a.parent != b.parent)
                    return a.parent < b.parent;
                  return a.option < b.option;
                });
      states.clear();
      links.emplace_back();
      for (const State &candidate : candidates) {
        if (!states.empty() && candidate.cost >= states.back().cost)
          continue;
        states.push_back(candidate);
        links.back().push_back({candidate.parent, candidate.option});
      }
      if (states.empty())
        return true;
      for (size_t s = 0; s < states.size(); ++s)
        complete(depth + 1, states[s], s);
    }
    return true;
  }

  size_t nodes = 0;

private:
  struct State {
    uint64_t bits;
    /// Summed in processing order; only for dominance and to screen
    /// completions.
    double cost;
    double rc;
    uint32_t parent, option;
  };
  struct Link {
    uint32_t parent, option;
  };
  static constexpr size_t kMaxIndex = std::numeric_limits<uint32_t>::max();

  /// The bound after `nextDepth` items; restBound must be at that depth.
  double nodeBound(size_t nextDepth, uint64_t bits, double rc) const {
    const uint64_t spare = budget - bits;
    const uint64_t slack =
        spare > suffixMaxBits[nextDepth] ? spare - suffixMaxBits[nextDepth] : 0;
    const double rest = std::max(
        suffixMinRc[nextDepth] + lambda * double(slack), restBound(spare));
    return bound + rc + rest;
  }

  /// Tries `state` (the `index`th after `depth` items) with the lowest-rc
  /// option of every item left as a new incumbent.
  void complete(size_t depth, const State &state, size_t index) {
    if (suffixRestBits[depth] > budget - state.bits)
      return;
    // Screen in processing order before summing in item order.
    if (state.cost + suffixRestCost[depth] >= incumbentCost - roundingError)
      return;
    std::vector<size_t> assignment(options.size(), 0);
    for (size_t d = depth; d-- > 0;) {
      const Link &link = links[d][index];
      assignment[freeItems[d]] = link.option;
      index = link.parent;
    }
    double cost = 0;
    uint64_t bits = 0;
    bool overflow = false;
    for (size_t t = 0; t < options.size(); ++t) {
      const Option &option = options[t][assignment[t]];
      cost += option.cost;
      overflow |= option.bits > kMaxBits - bits;
      bits = addSaturating(bits, option.bits);
    }
    // Only a saturated sum of bits could pass the screen above unfit.
    if (!overflow && bits <= budget &&
        isAccepted(cost, incumbentCost, roundingError)) {
      incumbent = std::move(assignment);
      incumbentCost = cost;
    }
  }

  const std::vector<std::vector<Option>> &options;
  const std::vector<size_t> &freeItems;
  const uint64_t budget;
  const double lambda;
  const double bound;
  const double roundingError;
  const size_t maxNodes;
  RestBound &restBound;
  std::vector<size_t> &incumbent;
  double &incumbentCost;
  /// Per processed item, how each of its states was reached.
  std::vector<std::vector<Link>> links;
  std::vector<uint64_t> suffixMinBits, suffixMaxBits, suffixRestBits;
  std::vector<double> suffixMinRc, suffixRestCost;
};

} // namespace

BitAllocation
palettize::allocateBits(llvm::ArrayRef<std::vector<AllocationChoice>> items,
                        uint64_t budgetBits, size_t maxNodes) {
  const size_t count = items.size();
  BitAllocation result;

  std::vector<std::vector<Option>> fronts(count);
  uint64_t minBits = 0;
  bool minBitsOverflow = false;
  for (size_t t = 0; t < count; ++t) {
    assert(!items[t].empty() && "every item needs a choice");
    assert(std::all_of(items[t].begin(), items[t].end(),
                       [](const AllocationChoice &choice) {
                         return choice.cost >= 0 && std::isfinite(choice.cost);
                       }) &&
           "costs must be finite and non-negative");
    fronts[t] = paretoFront(items[t]);
    minBitsOverflow |= fronts[t].front().bits > kMaxBits - minBits;
    minBits = addSaturating(minBits, fronts[t].front().bits);
  }

  auto finish = [&](const std::vector<std::vector<Option>> &options,
                    const std::vector<size_t> &positions) {
    result.chosen.resize(count);
    result.bits = 0;
    result.cost = 0;
    for (size_t t = 0; t < count; ++t) {
      const Option &option = options[t][positions[t]];
      result.chosen[t] = option.index;
      result.bits = addSaturating(result.bits, option.bits);
      result.cost += option.cost;
    }
  };

  // The front starts with the fewest bits at the lowest cost and index.
  // (The reported bits saturate if their sum does not fit in 64 bits.)
  if (minBitsOverflow || minBits > budgetBits) {
    finish(fronts, std::vector<size_t>(count, 0));
    return result;
  }
  result.feasible = true;

  // LP relaxation: greedy over the hull segments.
  std::vector<std::vector<size_t>> hulls(count);
  std::vector<Segment> segments;
  for (size_t t = 0; t < count; ++t) {
    hulls[t] = lowerHull(fronts[t]);
    for (size_t s = 0; s + 1 < hulls[t].size(); ++s)
      segments.push_back(
          {efficiency(fronts[t][hulls[t][s]], fronts[t][hulls[t][s + 1]]), t,
           s});
  }
  std::sort(segments.begin(), segments.end(),
            [](const Segment &a, const Segment &b) {
              if (a.efficiency != b.efficiency)
                return a.efficiency > b.efficiency;
              if (a.item != b.item)
                return a.item < b.item;
              return a.step < b.step;
            });
  std::vector<size_t> hullPosition(count, 0);
  std::vector<bool> blocked(count, false);
  uint64_t used = minBits;
  double lambda = 0;
  // The LP solution rounded down: the first incumbent and, for the critical
  // multiplier, a minimiser of cost + lambda * bits per item.
  std::vector<size_t> reference;
  uint64_t referenceBits = 0;
  for (const Segment &segment : segments) {
    if (blocked[segment.item])
      continue;
    const std::vector<size_t> &hull = hulls[segment.item];
    const std::vector<Option> &front = fronts[segment.item];
    const uint64_t extra =
        front[hull[segment.step + 1]].bits - front[hull[segment.step]].bits;
    if (extra <= budgetBits - used) {
      used += extra;
      hullPosition[segment.item] = segment.step + 1;
      continue;
    }
    if (reference.empty()) {
      lambda = segment.efficiency;
      reference = hullPosition;
      referenceBits = used;
    }
    // Later segments of this item would skip this one; the greedy goes on
    // with the other items, which only improves the incumbent.
    blocked[segment.item] = true;
  }
  if (reference.empty()) {
    // Everything fits: lambda = 0 and every item takes its cheapest point.
    reference = hullPosition;
    referenceBits = used;
  }
  const std::vector<size_t> referenceHull = reference;
  for (size_t t = 0; t < count; ++t)
    reference[t] = hulls[t][reference[t]];

  // Incumbent: the continued greedy, then per item (in order) the cheapest
  // front point, on the hull or not, that fits in what is left.
  std::vector<size_t> incumbent(count);
  for (size_t t = 0; t < count; ++t)
    incumbent[t] = hulls[t][hullPosition[t]];
  for (size_t t = 0; t < count; ++t) {
    const std::vector<Option> &front = fronts[t];
    const uint64_t room =
        addSaturating(budgetBits - used, front[incumbent[t]].bits);
    size_t best = incumbent[t];
    while (best + 1 < front.size() && front[best + 1].bits <= room)
      ++best;
    used += front[best].bits - front[incumbent[t]].bits;
    incumbent[t] = best;
  }
  double incumbentCost = 0;
  for (size_t t = 0; t < count; ++t)
    incumbentCost += fronts[t][incumbent[t]].cost;
  finish(fronts, incumbent);

  // Lagrangian bound and reduced costs, taken relative to the reference
  // point z of each item: with d(t, j) = cost_tj - cost_tz + lambda *
  // (bits_tj - bits_tz), rc(t, j) = d(t, j) - min_j d(t, j) and
  //   L = sum_t (cost_tz + min_j d(t, j)) - lambda * (budget - bits(z)).
  // This equals sum_t m_t - lambda * budget, but without cancelling terms of
  // the size of lambda * budget, so the rounding stays at the scale of the
  // costs. Each reduced cost is then lowered by a bound on its rounding
  // error, and L by one on its own, which keeps every bound below.
  const double unit = DBL_EPSILON / 2;
  double bound = 0, boundMagnitude = 0;
  std::vector<double> deltas, magnitudes;
  for (size_t t = 0; t < count; ++t) {
    std::vector<Option> &front = fronts[t];
    const Option &z = front[reference[t]];
    deltas.resize(front.size());
    magnitudes.resize(front.size());
    size_t least = 0;
    for (size_t j = 0; j < front.size(); ++j) {
      const double bitsDelta = front[j].bits >= z.bits
                                   ? double(front[j].bits - z.bits)
                                   : -double(z.bits - front[j].bits);
      deltas[j] = (front[j].cost - z.cost) + lambda * bitsDelta;
      magnitudes[j] = front[j].cost + z.cost + lambda * std::fabs(bitsDelta);
      if (deltas[j] < deltas[least])
        least = j;
    }
    for (size_t j = 0; j < front.size(); ++j) {
      const double rc = deltas[j] - deltas[least];
      front[j].rc =
          std::max(0.0, rc - 6 * unit * (magnitudes[j] + magnitudes[least]));
    }
    bound += z.cost + deltas[least];
    boundMagnitude += z.cost + std::fabs(deltas[least]) + magnitudes[least];
  }
  const double referenceSlack = lambda * double(budgetBits - referenceBits);
  bound -= referenceSlack;
  result.lowerBound = std::max(0.0, std::min(bound, result.cost));
  const double safeBound =
      bound - 4 * double(count + 4) * unit * (boundMagnitude + referenceSlack);

  // Costs are never negative, so a free incumbent is optimal.
  if (incumbentCost == 0) {
    result.optimal = true;
    return result;
  }

  // What is left is rounding in summing a node bound, whose terms are all
  // non-negative except safeBound and, where it matters, add up to about
  // the incumbent cost. The incumbent only decreases.
  const double roundingError =
      4 * double(count + 4) * DBL_EPSILON * incumbentCost;

  // Reduced-cost and budget fixing. Options kept per item sorted by rc.
  std::vector<std::vector<Option>> options(count);
  std::vector<size_t> freeItems;
  uint64_t baseBits = 0;
  double baseCost = 0, baseRc = 0;
  const double threshold = pruneThreshold(incumbentCost, roundingError);
  for (size_t t = 0; t < count; ++t) {
    // Room for this item when every other item takes its fewest bits.
    const uint64_t room = budgetBits - (minBits - fronts[t].front().bits);
    for (const Option &option : fronts[t])
      if (option.bits <= room && safeBound + option.rc < threshold)
        options[t].push_back(option);
    if (options[t].empty()) {
      // No option of this item can beat the incumbent.
      result.optimal = true;
      return result;
    }
    std::sort(options[t].begin(), options[t].end(),
              [](const Option &a, const Option &b) {
                if (a.rc != b.rc)
                  return a.rc < b.rc;
                return a.index < b.index;
              });
    if (options[t].size() == 1) {
      if (options[t].front().bits > kMaxBits - baseBits) {
        // The options left cannot fit together.
        result.optimal = true;
        return result;
      }
      baseBits += options[t].front().bits;
      baseCost += options[t].front().cost;
      baseRc += options[t].front().rc;
    } else {
      freeItems.push_back(t);
    }
  }

  // Process the items with the most bits at stake first: the coarse
  // decisions are then made while the many fine-grained items left behind
  // are still well described by their LP relaxation (the rest bound).
  std::vector<uint64_t> span(count, 0);
  for (size_t t : freeItems) {
    uint64_t lo = kMaxBits, hi = 0;
    for (const Option &option : options[t]) {
      lo = std::min(lo, option.bits);
      hi = std::max(hi, option.bits);
    }
    span[t] = hi - lo;
  }
  std::stable_sort(freeItems.begin(), freeItems.end(),
                   [&](size_t a, size_t b) { return span[a] > span[b]; });
  std::vector<std::vector<RestBound::Piece>> up(count), down(count);
  std::vector<uint64_t> zBits(count);
  std::vector<double> maxCost(count);
  for (size_t t : freeItems) {
    const std::vector<size_t> &hull = hulls[t];
    const std::vector<Option> &front = fronts[t];
    for (size_t s = referenceHull[t]; s + 1 < hull.size(); ++s)
      up[t].push_back({lambda - efficiency(front[hull[s]], front[hull[s + 1]]),
                       front[hull[s + 1]].bits - front[hull[s]].bits});
    for (size_t s = referenceHull[t]; s-- > 0;)
      down[t].push_back(
          {efficiency(front[hull[s]], front[hull[s + 1]]) - lambda,
           front[hull[s + 1]].bits - front[hull[s]].bits});
    zBits[t] = front[reference[t]].bits;
    maxCost[t] = front.front().cost;
  }
  RestBound restBound(freeItems, up, down, zBits, maxCost, lambda);
  std::vector<size_t> found;
  Search search(options, freeItems, budgetBits, lambda, safeBound,
                roundingError, maxNodes, restBound, found, incumbentCost);
  result.optimal = search.run(baseBits, baseCost, baseRc);
  result.nodes = search.nodes;
  if (!found.empty())
    finish(options, found);
  result.lowerBound = std::max(0.0, std::min(bound, result.cost));
  return result;
}
