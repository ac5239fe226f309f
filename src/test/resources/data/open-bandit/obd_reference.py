"""Expected figures of the Open Bandit slices beside this file, computed independently of Beacon.

For the policies whose probabilities do not depend on random draws (uniform: 1 / number of
items, from the item context file; logged: the logged propensity), prints per slice the mean
logged reward, IPS, self-normalised IPS, their standard errors and the effective sample size,
in exact rational arithmetic (the propensities read as the decimals they are written as),
rounded to doubles only at the end.

    python3 src/test/resources/data/open-bandit/obd_reference.py
"""
import csv
import math
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))


def figures(rewards, weights):
    n = len(rewards)
    sw = sum(weights)
    sw2 = sum(w * w for w in weights)
    terms = [r * w for r, w in zip(rewards, weights)]
    ips = sum(terms) / n
    ips_se = math.sqrt(sum((t - ips) ** 2 for t in terms) / (n - 1) / n)
    snips = sum(terms) / sw
    snips_se = math.sqrt(sum(w * w * (r - snips) ** 2 for r, w in zip(rewards, weights))) / sw
    return {
        "mean reward": float(Fraction(sum(rewards), n)),
        "IPS": float(ips), "IPS SE": ips_se,
        "SNIPS": float(snips), "SNIPS SE": snips_se,
        "ESS": float(sw * sw / sw2),
    }


for folder in ("random", "bts"):
    with open(os.path.join(HERE, folder, "men_item_context.csv")) as f:
        items = [row["item_id"] for row in csv.DictReader(f)]
    with open(os.path.join(HERE, folder, "men.csv")) as f:
        rows = list(csv.DictReader(f))
    rewards = [Fraction(row["click"]) for row in rows]
    propensities = [Fraction(row["propensity_score"]) for row in rows]
    for policy, probabilities in (("uniform", [Fraction(1, len(items))] * len(rows)), ("logged", propensities)):
        weights = [pi / p for pi, p in zip(probabilities, propensities)]
        print(folder, policy, len(rows), "rounds", len(items), "items")
        for name, value in figures(rewards, weights).items():
            print("  %-12s %r" % (name, value))
