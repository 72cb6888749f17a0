//===- BitAllocationTest.cpp - Bit widths under a model-wide budget -------===//
//
// The multiple-choice knapsack solver against hand-worked instances where
// rounding the LP relaxation is not optimal, against full enumeration of
// random small instances (with tied bits and costs and budgets around the
// feasible range), under a node limit, and on model-sized instances against
// an independent LP rounding.
//
//===----------------------------------------------------------------------===//

#include "palettize/Lut/BitAllocation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace palettize;

namespace {

using Items = std::vector<std::vector<AllocationChoice>>;

/// The cheapest cost (summed in item order) over every assignment within
/// the budget, or infinity when none fits.
double enumerateOptimum(const Items &items, uint64_t budget) {
  double best = std::numeric_limits<double>::infinity();
  std::vector<size_t> pick(items.size(), 0);
  while (true) {
    uint64_t bits = 0;
    double cost = 0;
    for (size_t t = 0; t < items.size(); ++t) {
      bits += items[t][pick[t]].bits;
      cost += items[t][pick[t]].cost;
    }
    if (bits <= budget)
      best = std::min(best, cost);
    size_t t = 0;
    while (t < items.size() && ++pick[t] == items[t].size())
      pick[t++] = 0;
    if (t == items.size())
      return best;
  }
}

/// Checks that the reported bits and cost are those of `chosen` (the cost
/// summed in item order, exactly) and that the bound is not above the cost.
void expectConsistent(const Items &items, const BitAllocation &result) {
  ASSERT_EQ(result.chosen.size(), items.size());
  uint64_t bits = 0;
  double cost = 0;
  for (size_t t = 0; t < items.size(); ++t) {
    ASSERT_LT(result.chosen[t], items[t].size());
    bits += items[t][result.chosen[t]].bits;
    cost += items[t][result.chosen[t]].cost;
  }
  EXPECT_EQ(result.bits, bits);
  EXPECT_EQ(result.cost, cost);
  EXPECT_LE(result.lowerBound, result.cost);
  EXPECT_GE(result.lowerBound, 0);
}

/// Rounds the LP relaxation down, written independently of the library:
/// per item the lower hull by gift wrapping from the fewest bits, then hull
/// segments by decreasing cost saved per bit while they fit. Returns the
/// cost of that feasible solution (summed in item order).
double lpRoundingCost(const Items &items, uint64_t budget) {
  struct Step {
    double efficiency;
    size_t item, to;
  };
  std::vector<Step> steps;
  std::vector<size_t> at(items.size());
  uint64_t used = 0;
  for (size_t t = 0; t < items.size(); ++t) {
    const std::vector<AllocationChoice> &choices = items[t];
    size_t p = 0;
    for (size_t j = 1; j < choices.size(); ++j)
      if (choices[j].bits < choices[p].bits ||
          (choices[j].bits == choices[p].bits &&
           choices[j].cost < choices[p].cost))
        p = j;
    at[t] = p;
    used += choices[p].bits;
    while (true) {
      size_t next = p;
      double bestEfficiency = -1;
      for (size_t q = 0; q < choices.size(); ++q) {
        if (choices[q].bits <= choices[p].bits ||
            choices[q].cost >= choices[p].cost)
          continue;
        const double e = (choices[p].cost - choices[q].cost) /
                         double(choices[q].bits - choices[p].bits);
        if (e > bestEfficiency ||
            (e == bestEfficiency && choices[q].bits > choices[next].bits)) {
          bestEfficiency = e;
          next = q;
        }
      }
      if (next == p)
        break;
      steps.push_back({bestEfficiency, t, next});
      p = next;
    }
  }
  std::stable_sort(
      steps.begin(), steps.end(),
      [](const Step &a, const Step &b) { return a.efficiency > b.efficiency; });
  for (const Step &step : steps) {
    const uint64_t from = items[step.item][at[step.item]].bits;
    const uint64_t extra = items[step.item][step.to].bits - from;
    if (used + extra > budget)
      break;
    used += extra;
    at[step.item] = step.to;
  }
  double cost = 0;
  for (size_t t = 0; t < items.size(); ++t)
    cost += items[t][at[t]].cost;
  return cost;
}

uint64_t uniform(std::mt19937 &rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}

double uniformReal(std::mt19937 &rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

/// `count` items of minChoices..maxChoices random choices, about one in five
/// a copy of an earlier one. bitsMode 0: bits in [0, 6] (many ties); 1: up to
/// 1e10; 2: elements * width + overhead. costMode 0: integers in [0, 10]
/// (exact sums, many ties, zeros); 1: uniform in [0, 1000]; 2: log-uniform in
/// [1e-3, 1e9].
Items randomItems(std::mt19937 &rng, size_t count, size_t minChoices,
                  size_t maxChoices, int bitsMode, int costMode) {
  Items items(count);
  for (std::vector<AllocationChoice> &item : items) {
    const size_t choices = uniform(rng, minChoices, maxChoices);
    const uint64_t elements = uniform(rng, 1, 1000);
    for (size_t j = 0; j < choices; ++j) {
      if (j > 0 && uniform(rng, 0, 4) == 0) {
        item.push_back(item[uniform(rng, 0, j - 1)]);
        continue;
      }
      AllocationChoice choice;
      if (bitsMode == 0)
        choice.bits = uniform(rng, 0, 6);
      else if (bitsMode == 1)
        choice.bits = uniform(rng, 0, 10000000000);
      else
        choice.bits = elements * uniform(rng, 1, 8) + uniform(rng, 0, 64);
      if (costMode == 0)
        choice.cost = double(uniform(rng, 0, 10));
      else if (costMode == 1)
        choice.cost = uniformReal(rng, 0, 1000);
      else
        choice.cost = std::exp(uniformReal(rng, std::log(1e-3), std::log(1e9)));
      item.push_back(choice);
    }
  }
  return items;
}

/// budgetMode 0: one bit below the fewest (infeasible unless that is 0); 1:
/// exactly the fewest; 2 and 3: uniform between the fewest and the most; 4:
/// above the most.
uint64_t randomBudget(std::mt19937 &rng, const Items &items, int budgetMode) {
  uint64_t minBits = 0, maxBits = 0;
  for (const std::vector<AllocationChoice> &item : items) {
    uint64_t lo = item[0].bits, hi = item[0].bits;
    for (const AllocationChoice &choice : item) {
      lo = std::min(lo, choice.bits);
      hi = std::max(hi, choice.bits);
    }
    minBits += lo;
    maxBits += hi;
  }
  switch (budgetMode) {
  case 0:
    return minBits > 0 ? minBits - 1 : 0;
  case 1:
    return minBits;
  case 2:
  case 3:
    return uniform(rng, minBits, maxBits);
  default:
    return maxBits + uniform(rng, 0, 10);
  }
}

/// Checks one instance against enumeration and returns the result.
BitAllocation expectMatchesEnumeration(const Items &items, uint64_t budget) {
  const double optimum = enumerateOptimum(items, budget);
  const BitAllocation result = allocateBits(items, budget);
  expectConsistent(items, result);
  EXPECT_EQ(result.feasible,
            optimum != std::numeric_limits<double>::infinity());
  if (!result.feasible) {
    EXPECT_FALSE(result.optimal);
    EXPECT_GT(result.bits, budget);
    return result;
  }
  EXPECT_TRUE(result.optimal);
  EXPECT_LE(result.bits, budget);
  EXPECT_GE(result.cost, optimum);
  EXPECT_LE(result.cost, optimum + 1e-12 * optimum);
  // L is accurate to rounding at the scale of the costs.
  double maxCosts = 0;
  for (const std::vector<AllocationChoice> &item : items) {
    double worst = 0;
    for (const AllocationChoice &choice : item)
      worst = std::max(worst, choice.cost);
    maxCosts += worst;
  }
  EXPECT_LE(result.lowerBound, optimum + 1e-12 * maxCosts);
  return result;
}

/// A model-like instance: per tensor of n elements (log-uniform in
/// [1e3, 1e7]) one choice per index bit width b, storing n * b index bits
/// plus a 2^b-entry fp16 table, with an error falling roughly 4x per bit
/// (jittered, so not every choice is on the convex hull).
Items makeModelItems(size_t count, std::mt19937 &rng) {
  const unsigned widths[] = {1, 2, 3, 4, 6, 8};
  std::uniform_real_distribution<double> logSize(std::log(1e3), std::log(1e7));
  std::uniform_real_distribution<double> sensitivity(1e-3, 1.0);
  std::uniform_real_distribution<double> jitter(0.8, 1.25);
  Items items(count);
  for (std::vector<AllocationChoice> &item : items) {
    const uint64_t n = uint64_t(std::exp(logSize(rng)));
    const double scale = sensitivity(rng) * double(n);
    for (unsigned b : widths)
      item.push_back({n * b + (uint64_t(16) << b),
                      scale * std::pow(0.25, b) * jitter(rng)});
  }
  return items;
}

// Two items, budget 7. A: (1 bit, 10) or (6, 0), saving 2 per bit; B: (1,
// 10) or (3, 5), saving 2.5 per bit. The LP takes B's upgrade (4 bits used),
// then A's does not fit: lambda = 2 and the bound is 15 - 3/5 * 10 = 9. The
// rounded LP costs 15 (A low, B high); the optimum upgrades A alone: 0 + 10
// = 10 in exactly 7 bits.
TEST(BitAllocation, SearchBeatsLpRoundingOnTwoItems) {
  const Items items = {{{1, 10}, {6, 0}}, {{1, 10}, {3, 5}}};
  const BitAllocation result = allocateBits(items, 7);
  expectConsistent(items, result);
  EXPECT_TRUE(result.feasible);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{1, 0}));
  EXPECT_EQ(result.bits, 7u);
  EXPECT_DOUBLE_EQ(result.cost, 10);
  EXPECT_DOUBLE_EQ(result.lowerBound, 9);
  EXPECT_GT(result.nodes, 0u);
  EXPECT_DOUBLE_EQ(lpRoundingCost(items, 7), 15);
}

// Budget 4. A: (0, 10), (2, 8), (4, 0), whose middle point lies above the
// hull (0, 10)-(4, 0) saving 2.5 per bit; B: (0, 6), (2, 0) saving 3. The LP
// upgrades B, then A's hull segment does not fit: lambda = 2.5, bound 10 -
// 2/4 * 10 = 5. Rounding gives 10; spending the last 2 bits on A's off-hull
// point gives 8; the optimum is A's top with B's bottom, 0 + 6 = 6.
TEST(BitAllocation, SearchUsesOffHullChoices) {
  const Items items = {{{0, 10}, {2, 8}, {4, 0}}, {{0, 6}, {2, 0}}};
  const BitAllocation result = allocateBits(items, 4);
  expectConsistent(items, result);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{2, 0}));
  EXPECT_DOUBLE_EQ(result.cost, 6);
  EXPECT_DOUBLE_EQ(result.lowerBound, 5);
}

// Budget 9 over three items, 3 bits at the minimum. A: (1, 22), (6, 0)
// saves 4.4 per bit; B and C: (1, 12), (4, 0) save 4 each. The LP upgrades
// A (8 bits) and cannot fit B: lambda = 4, bound 24 - 1/3 * 12 = 20. The
// rounding costs 24; upgrading B and C instead costs 22 in exactly 9 bits.
TEST(BitAllocation, SearchBeatsLpRoundingOnThreeItems) {
  const Items items = {{{1, 22}, {6, 0}}, {{1, 12}, {4, 0}}, {{1, 12}, {4, 0}}};
  const BitAllocation result = allocateBits(items, 9);
  expectConsistent(items, result);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{0, 1, 1}));
  EXPECT_EQ(result.bits, 9u);
  EXPECT_DOUBLE_EQ(result.cost, 22);
  EXPECT_DOUBLE_EQ(result.lowerBound, 20);
  EXPECT_DOUBLE_EQ(lpRoundingCost(items, 9), 24);
}

// Nothing to allocate: trivially feasible and optimal at no cost.
TEST(BitAllocation, NoItems) {
  const BitAllocation result = allocateBits({}, 0);
  EXPECT_TRUE(result.feasible);
  EXPECT_TRUE(result.optimal);
  EXPECT_TRUE(result.chosen.empty());
  EXPECT_EQ(result.bits, 0u);
  EXPECT_EQ(result.cost, 0);
  EXPECT_EQ(result.lowerBound, 0);
  EXPECT_EQ(result.nodes, 0u);
}

// Single-choice items are fixed: feasible exactly when they fit together.
TEST(BitAllocation, SingleChoiceItems) {
  const Items items = {{{5, 1.5}}, {{3, 2}}};
  BitAllocation result = allocateBits(items, 8);
  expectConsistent(items, result);
  EXPECT_TRUE(result.feasible);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{0, 0}));
  EXPECT_DOUBLE_EQ(result.cost, 3.5);

  result = allocateBits(items, 7);
  EXPECT_FALSE(result.feasible);
  EXPECT_FALSE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{0, 0}));
  EXPECT_EQ(result.bits, 8u);
}

// When even the fewest bits exceed the budget, each item reports its
// fewest-bits choice, ties broken by lower cost and then lower index.
TEST(BitAllocation, InfeasibleReportsFewestBits) {
  const Items items = {{{5, 3}, {2, 7}, {2, 4}, {2, 4}}, {{1, 1}, {4, 0}}};
  const BitAllocation result = allocateBits(items, 2);
  EXPECT_FALSE(result.feasible);
  EXPECT_FALSE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{2, 0}));
  EXPECT_EQ(result.bits, 3u);
  EXPECT_DOUBLE_EQ(result.cost, 5);
}

// A budget of exactly the fewest bits admits only the smallest choices
// (here C's two 3-bit choices tie on bits and the cheaper one is taken).
TEST(BitAllocation, BudgetEqualToMinimum) {
  const Items items = {
      {{2, 5}, {4, 1}, {8, 0}}, {{1, 3}, {2, 2}}, {{3, 3}, {3, 1}, {9, 0}}};
  const BitAllocation result = allocateBits(items, 6);
  expectConsistent(items, result);
  EXPECT_TRUE(result.feasible);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{0, 0, 1}));
  EXPECT_EQ(result.bits, 6u);
  EXPECT_DOUBLE_EQ(result.cost, 9);
}

// Identical choices are interchangeable; the lowest index is reported.
TEST(BitAllocation, AllChoicesEqual) {
  const Items items = {{{4, 2}, {4, 2}, {4, 2}}, {{4, 2}, {4, 2}}};
  const BitAllocation result = allocateBits(items, 100);
  expectConsistent(items, result);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{0, 0}));
  EXPECT_DOUBLE_EQ(result.cost, 4);
}

// Free choices: with room to spare the cost is 0, and no bits are spent on
// a choice that costs no less than a smaller one.
TEST(BitAllocation, ZeroCosts) {
  const Items items = {{{1, 3}, {2, 0}, {3, 0}}, {{1, 0}, {5, 0}}};
  const BitAllocation result = allocateBits(items, 10);
  expectConsistent(items, result);
  EXPECT_TRUE(result.optimal);
  EXPECT_EQ(result.chosen, (std::vector<size_t>{1, 0}));
  EXPECT_EQ(result.bits, 3u);
  EXPECT_EQ(result.cost, 0);
}

// Random small instances against enumeration: integer costs (exact sums,
// many ties), uniform and log-uniform real costs; bits from a tiny range
// (ties), up to 1e10, or model-like; some choices duplicated; budgets below,
// at and above the feasible range. Feasibility, the budget, the optimal cost
// and the bound must all hold, and the search must finish.
TEST(BitAllocation, MatchesEnumeration) {
  std::mt19937 rng(1234567);
  size_t searched = 0, beatRounding = 0;
  for (int trial = 0; trial < 1000; ++trial) {
    SCOPED_TRACE(trial);
    const Items items =
        randomItems(rng, uniform(rng, 1, 7), 1, 6, trial % 3, (trial / 3) % 3);
    const uint64_t budget = randomBudget(rng, items, (trial / 9) % 5);
    const BitAllocation result = expectMatchesEnumeration(items, budget);
    searched += result.nodes > 0;
    beatRounding +=
        result.feasible && result.cost < lpRoundingCost(items, budget);
  }
  // The search, not just the LP rounding, was exercised.
  EXPECT_GT(searched, 50u);
  EXPECT_GT(beatRounding, 10u);
}

// Wider instances (8 to 9 items of 2 to 4 choices, budgets inside the
// feasible range), where the LP rounding is more often not optimal.
TEST(BitAllocation, MatchesEnumerationOnWiderInstances) {
  std::mt19937 rng(7654321);
  size_t beatRounding = 0;
  for (int trial = 0; trial < 200; ++trial) {
    SCOPED_TRACE(trial);
    const Items items =
        randomItems(rng, uniform(rng, 8, 9), 2, 4, trial % 3, (trial / 3) % 3);
    const uint64_t budget = randomBudget(rng, items, 2);
    const BitAllocation result = expectMatchesEnumeration(items, budget);
    beatRounding += result.cost < lpRoundingCost(items, budget);
  }
  EXPECT_GT(beatRounding, 20u);
}

// The same instance twice gives the same answer, down to the node count.
TEST(BitAllocation, Deterministic) {
  std::mt19937 rng(99);
  const Items items = makeModelItems(60, rng);
  uint64_t total = 0;
  for (const std::vector<AllocationChoice> &item : items)
    total += item[2].bits;
  const BitAllocation first = allocateBits(items, total);
  const BitAllocation second = allocateBits(items, total);
  EXPECT_EQ(first.chosen, second.chosen);
  EXPECT_EQ(first.cost, second.cost);
  EXPECT_EQ(first.nodes, second.nodes);
}

// The two-item instance above needs a search (its LP rounding is not
// optimal). Stopped after no or one node, before any complete assignment,
// it is not proven optimal, but the rounded solution is returned, feasible,
// with the bound still below it. The same holds for a model-sized instance
// stopped early.
TEST(BitAllocation, NodeLimit) {
  const Items items = {{{1, 10}, {6, 0}}, {{1, 10}, {3, 5}}};
  for (size_t maxNodes : {size_t(0), size_t(1)}) {
    SCOPED_TRACE(maxNodes);
    const BitAllocation result = allocateBits(items, 7, maxNodes);
    expectConsistent(items, result);
    EXPECT_TRUE(result.feasible);
    EXPECT_FALSE(result.optimal);
    EXPECT_LE(result.nodes, maxNodes);
    EXPECT_LE(result.bits, 7u);
    EXPECT_DOUBLE_EQ(result.cost, 15);
    EXPECT_DOUBLE_EQ(result.lowerBound, 9);
  }

  std::mt19937 rng(5);
  const Items model = makeModelItems(300, rng);
  uint64_t budget = 0;
  for (const std::vector<AllocationChoice> &item : model)
    budget += item[3].bits;
  const BitAllocation full = allocateBits(model, budget);
  ASSERT_TRUE(full.optimal);
  ASSERT_GT(full.nodes, 10u);
  const BitAllocation stopped = allocateBits(model, budget, 10);
  expectConsistent(model, stopped);
  EXPECT_TRUE(stopped.feasible);
  EXPECT_FALSE(stopped.optimal);
  EXPECT_EQ(stopped.nodes, 10u);
  EXPECT_LE(stopped.bits, budget);
  EXPECT_GE(stopped.cost, full.cost);
  EXPECT_LE(stopped.lowerBound, full.cost);
}

// A model-sized instance (300 tensors, 6 widths, about 3.5 bits per element)
// is solved to proven optimality, within budget and no worse than the LP
// rounding.
TEST(BitAllocation, ModelSizedInstance) {
  std::mt19937 rng(2024);
  const Items items = makeModelItems(300, rng);
  uint64_t elements = 0, tables = 0;
  for (const std::vector<AllocationChoice> &item : items) {
    elements += item[0].bits - 32;
    tables += 16 << 4;
  }
  const uint64_t budget = elements * 7 / 2 + tables;
  const BitAllocation result = allocateBits(items, budget);
  expectConsistent(items, result);
  EXPECT_TRUE(result.feasible);
  EXPECT_TRUE(result.optimal);
  EXPECT_LE(result.bits, budget);
  EXPECT_LE(result.cost, lpRoundingCost(items, budget));
}

} // namespace
