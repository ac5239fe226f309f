#!/usr/bin/env python3
"""Synthetic aggregated conversion paths for the attribution tests: made up, owned by no one.

Rerun from the project root (Python 3, standard library only); the seed makes it repeatable:

    python3 src/test/resources/data/attribution/generate_paths.py > src/test/resources/data/attribution/paths.csv

The model: a journey starts on a channel drawn by START weight; after each touch it ends with
probability STOP (at most MAX_TOUCHES touches), else it stays on the same channel with
probability STAY or moves to a channel drawn by START weight. Each touch persuades with its
channel's LIFT, independently: the journey converts unless no touch persuaded; a converting
journey buys once, twice with probability REPEAT, each order worth a log-normal amount in cents.

Journeys are counted per week and written one line per (week, path), in the ChannelAttribution
layout `path;total_conversions;total_conversion_value;total_null`, channels joined by ` > `. So a
path recurs on up to WEEKS lines, as paths recur in real exports, and a reader must add them up.
No channel is named Direct: last touch is then plain last touch (the report's last non-Direct
rule has its own test).
"""
import random
import sys
from collections import defaultdict

SEED = 20240501
WEEKS = 4
JOURNEYS_PER_WEEK = 1200
STOP, STAY, REPEAT, MAX_TOUCHES = 0.5, 0.3, 0.1, 8
# channel: (START weight, LIFT)
CHANNELS = {"search": (30, 0.10), "social": (18, 0.04), "email": (12, 0.12), "display": (14, 0.02),
            "video": (6, 0.05), "affiliate": (5, 0.09), "referral": (6, 0.06), "shopping": (4, 0.11),
            "push": (3, 0.03), "sms": (1.5, 0.08), "podcast": (0.4, 0.05), "print": (0.2, 0.04)}


def journey(rng, names, weights):
    path = [rng.choices(names, weights)[0]]
    while len(path) < MAX_TOUCHES and rng.random() >= STOP:
        path.append(path[-1] if rng.random() < STAY else rng.choices(names, weights)[0])
    return path


def main():
    rng = random.Random(SEED)
    names = list(CHANNELS)
    weights = [CHANNELS[c][0] for c in names]
    out = sys.stdout
    out.write("path;total_conversions;total_conversion_value;total_null\n")
    for _week in range(WEEKS):
        totals = defaultdict(lambda: [0, 0, 0])  # path -> conversions, value in cents, nulls
        for _ in range(JOURNEYS_PER_WEEK):
            path = journey(rng, names, weights)
            t = totals[" > ".join(path)]
            if any(rng.random() < CHANNELS[c][1] for c in path):
                for _order in range(2 if rng.random() < REPEAT else 1):
                    t[0] += 1
                    t[1] += round(rng.lognormvariate(8.0, 0.6))
            else:
                t[2] += 1
        lines = list(totals.items())
        rng.shuffle(lines)
        for path, (conversions, cents, nulls) in lines:
            value = f"{cents // 100}.{cents % 100:02d}" if conversions else "0"
            out.write(f"{path};{conversions};{value};{nulls}\n")


if __name__ == "__main__":
    main()
