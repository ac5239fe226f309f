#!/usr/bin/env python3
"""Independent reference figures for the attribution tests (MarkovAttributionTest, PathFileTest,
ShapleyAttributionTest, AttributeCommandTest, AttributionReportTest), computed from the synthetic
paths in src/test/resources/data/attribution/paths.csv (see the README.md there).

Rerun from the project root (Python 3, standard library only); --csv also writes the per-channel
table to the file the tests read:

    python3 src/test/resources/attribution/markov_reference.py src/test/resources/data/attribution/paths.csv \
        --csv src/test/resources/data/attribution/reference.csv

It shares no code with the Java implementation and solves the Markov chain a different way:
exact rational arithmetic (fractions.Fraction) with Gauss-Jordan elimination, so the only
rounding is the final conversion to float. Definitions, as in the issue:
  - a path "a > b > c" with C conversions, V value and N nulls counts C+N journeys; transitions
    start->a, a->b, b->c weigh C+N each, c->(conversion) weighs C, c->(null) weighs N; repeated
    channels stay as self-transitions;
  - P = probability of reaching (conversion) from (start); removing channel x sends every
    transition into x to (null); removal effect RE_x = 1 - P_without_x / P;
  - Markov conversions of x = total conversions * RE_x / sum(RE); value likewise;
  - first touch, last touch, linear (each position of a path weighs 1/len) on the path totals;
  - Shapley: v(S) = conversions of the paths whose set of channels is a subset of S; the
    standard formula summed over permutation weights |S|!(n-|S|-1)!/n!.
"""
import sys
from fractions import Fraction
from math import factorial
from itertools import combinations
from collections import defaultdict


def read_paths(file_name):
    rows = []
    with open(file_name, encoding="utf-8") as f:
        header = f.readline().strip()
        assert header == "path;total_conversions;total_conversion_value;total_null", header
        for line in f:
            line = line.strip()
            if not line:
                continue
            path, conv, value, nulls = line.split(";")
            rows.append(([c.strip() for c in path.split(">")], int(conv), Fraction(value), int(nulls)))
    return rows


def conversion_probability(rows, removed=None):
    out = defaultdict(lambda: defaultdict(int))  # state -> next state -> weight
    for path, conv, _value, nulls in rows:
        weight = conv + nulls
        if weight == 0:
            continue
        states = ["(start)"] + path
        for a, b in zip(states, states[1:]):
            out[a][b] += weight
        out[path[-1]]["(conversion)"] += conv
        out[path[-1]]["(null)"] += nulls
    transient = [s for s in out if s != removed]
    index = {s: i for i, s in enumerate(transient)}
    n = len(transient)
    # x_i - sum_j p_ij x_j = p_i(conversion); transitions into the removed channel go nowhere useful
    a = [[Fraction(0)] * (n + 1) for _ in range(n)]
    for s, i in index.items():
        total = sum(out[s].values())
        a[i][i] += 1
        for t, w in out[s].items():
            if t == "(conversion)":
                a[i][n] += Fraction(w, total)
            elif t in index:
                a[i][index[t]] -= Fraction(w, total)
    for col in range(n):  # Gauss-Jordan on exact fractions: no pivoting needed for accuracy
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        p = a[col][col]
        a[col] = [v / p for v in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return a[index["(start)"]][n]


def heuristics(rows):
    first, last, linear = defaultdict(lambda: [Fraction(0)] * 2), defaultdict(lambda: [Fraction(0)] * 2), defaultdict(lambda: [Fraction(0)] * 2)
    for path, conv, value, _nulls in rows:
        for model, weights in ((first, {path[0]: Fraction(1)}), (last, {path[-1]: Fraction(1)})):
            for c, w in weights.items():
                model[c][0] += w * conv
                model[c][1] += w * value
        for c in path:
            linear[c][0] += Fraction(conv, len(path))
            linear[c][1] += value / len(path)
    return first, last, linear


def shapley(rows):
    channels = sorted({c for path, conv, _v, _n in rows if conv > 0 for c in path})
    n = len(channels)
    by_set = defaultdict(lambda: [Fraction(0)] * 2)
    for path, conv, value, _nulls in rows:
        if conv > 0:
            by_set[frozenset(path)][0] += conv
            by_set[frozenset(path)][1] += value

    def v(coalition, k):
        return sum(cv[k] for s, cv in by_set.items() if s <= coalition)

    values = {}
    for size in range(n + 1):
        for combo in combinations(channels, size):
            s = frozenset(combo)
            values[s] = (v(s, 0), v(s, 1))
    phi = {}
    for c in channels:
        others = [x for x in channels if x != c]
        total = [Fraction(0), Fraction(0)]
        for size in range(n):
            weight = Fraction(factorial(size) * factorial(n - size - 1), factorial(n))
            for combo in combinations(others, size):
                s = frozenset(combo)
                with_c = values[s | {c}]
                without = values[s]
                total[0] += weight * (with_c[0] - without[0])
                total[1] += weight * (with_c[1] - without[1])
        phi[c] = total
    return phi


COLUMNS = ["channel", "removal_effect", "markov_conv", "markov_value", "first_conv", "first_value", "last_conv",
           "last_value", "linear_conv", "linear_value", "shapley_conv", "shapley_value"]


def main():
    args = sys.argv[1:]
    csv_file = None
    if "--csv" in args:
        at = args.index("--csv")
        csv_file = args[at + 1]
        del args[at:at + 2]
    rows = read_paths(args[0] if args else "src/test/resources/data/attribution/paths.csv")
    total_conv = sum(r[1] for r in rows)
    total_value = sum(r[2] for r in rows)
    total_null = sum(r[3] for r in rows)
    channels = sorted({c for r in rows for c in r[0]})
    print(f"lines {len(rows)} distinct paths {len({tuple(r[0]) for r in rows})} conversions {total_conv} value {float(total_value)!r} nulls {total_null} "
          f"journeys {total_conv + total_null}")
    p = conversion_probability(rows)
    print(f"P(conversion) {float(p)!r}")
    effects = {c: 1 - conversion_probability(rows, c) / p for c in channels}
    sum_effects = sum(effects.values())
    first, last, linear = heuristics(rows)
    phi = shapley(rows)
    table = []
    for c in channels:
        re = effects[c]
        figures = [re, total_conv * re / sum_effects, total_value * re / sum_effects,
                   first[c][0], first[c][1], last[c][0], last[c][1], linear[c][0], linear[c][1],
                   phi.get(c, [0, 0])[0], phi.get(c, [0, 0])[1]]
        table.append([c] + [repr(float(x)) for x in figures])
    for line in [COLUMNS] + table:
        print(" ".join(line))
    if csv_file:
        with open(csv_file, "w", encoding="utf-8") as f:
            f.writelines(",".join(line) + "\n" for line in [COLUMNS] + table)


if __name__ == "__main__":
    main()
