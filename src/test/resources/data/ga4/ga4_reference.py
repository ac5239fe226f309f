#!/usr/bin/env python3
"""The GA4 test slice: how it was cut, and the figures the tests expect of it.

Run from the project root (Python 3, standard library only):

    python3 src/test/resources/data/ga4/ga4_reference.py slice FULL_SAMPLE.ndjson > src/test/resources/data/ga4/events.ndjson
    python3 src/test/resources/data/ga4/ga4_reference.py src/test/resources/data/ga4/events.ndjson

`slice` keeps every row, unchanged and in the original order, of the users listed in USERS
(whole users, so their sessions stay whole). The second form prints what Ga4RowFormatTest,
ChannelGroupingTest, Ga4SampleJourneysTest and ReplayRowsTest assert. It shares no code with
Beacon: the JSON is read with json.loads and every channel is assigned by hand in CHANNELS.
"""
import json
import sys
from collections import Counter

# user_pseudo_id -> why it is in the slice
USERS = {
    # rows 0-33 of the full sample: every row of these users, so the first rows stay as they are
    "1005694.5834348403": "row 0: page_view, Delhi, organic search first touch",
    "1013442.5000387623": "row 6: source params (referral) over a (direct) traffic_source",
    "1015303.6172362257": "first_visit only",
    "1011832.0695389177": "<Other> params",
    "1001568.5746990412": "three sessions",
    "1003341.8456479788": "<Other>/referral first touch",
    "1000300.3223254235": "two sessions, view_promotion",
    "1008688.6936697332": "user_engagement only",
    "1019538.3425152743": "(direct) first touch, referral session",
    # later rows, one user per feature the tests need
    "1010446.3402655450": "five sessions, add_payment_info, analytics.google.com referral",
    "1010983.2735846447": "add_shipping_info, three one-row sessions",
    "1002254.4814908022": "Paid Search (google/cpc), four sessions",
    "6822684.1627482502": "view_item with 12 items at exact prices, add_to_cart",
    "25751116.8740706267": "select_item",
    "1013488.1622938896": "view_search_results, support.google.com referral",
    "1005230.9222869630": "<Other>/organic",
    "1022816.4169394688": "(data deleted) first touch",
    "1001623.3924462129": "qiita.com referral",
    "1007822.0143885764": "two rows under a second apart: a replay at high speed nudges them apart",
    "1029692.9551304564": "the sample's last rows (2021-01-31): the slice spans the sample's three months",
}

# (source, medium, campaign) -> channel, assigned by hand from GA4's default channel group rules
CHANNELS = {
    ("google", "organic", "(organic)"): "Organic Search",
    ("<Other>", "organic", "(organic)"): "Organic Search",
    ("(direct)", "(none)", "(direct)"): "Direct",
    ("<Other>", "<Other>", "<Other>"): "Unassigned",
    ("(data deleted)", "(data deleted)", "(data deleted)"): "Unassigned",
    ("<Other>", "referral", "(referral)"): "Referral",
    ("shop.googlemerchandisestore.com", "referral", "(referral)"): "Referral",
    ("analytics.google.com", "referral", "(referral)"): "Referral",
    ("support.google.com", "referral", "(referral)"): "Referral",
    ("qiita.com", "referral", "(referral)"): "Referral",
    ("google", "cpc", "<Other>"): "Paid Search",
}


def params(row):
    out = {}
    for p in row["event_params"]:
        for kind in ("string_value", "int_value", "double_value", "float_value"):
            if p["value"].get(kind) is not None:
                out[p["key"]] = p["value"][kind]
                break
    return out


def channel(triple):
    if triple not in CHANNELS:
        sys.exit(f"no channel for {triple}: assign one by hand in CHANNELS")
    return CHANNELS[triple]


def slice_rows(file_name):
    with open(file_name, encoding="utf-8") as f:
        for line in f:
            if json.loads(line)["user_pseudo_id"] in USERS:
                sys.stdout.write(line)


def report(file_name):
    with open(file_name, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    print("rows", len(rows))
    print("users", len({r["user_pseudo_id"] for r in rows}))
    print("sessions", len({(r["user_pseudo_id"], params(r)["ga_session_id"]) for r in rows}))
    print("items", sum(len(r["items"] or []) for r in rows))
    print("event names", dict(Counter(r["event_name"] for r in rows).most_common()))
    first_items = next(i for i, r in enumerate(rows) if len(r["items"] or []) == 12)
    items = rows[first_items]["items"]
    print(f"first row with 12 items: {first_items} {rows[first_items]['event_name']}, item 0 "
          f"{items[0]['item_id']} {items[0]['item_name']!r} price {items[0]['price']}, item 3 price {items[3]['price']}")
    span = rows[-1]["event_timestamp"] - rows[0]["event_timestamp"]
    print(f"span {span} us = {span / 86400e6:.3f} days; at speed 10000 {span / 1e10:.3f} s")
    by_session, by_first_touch, triples = Counter(), Counter(), Counter()
    for r in rows:
        ts = r["traffic_source"]
        first = (ts["source"], ts["medium"], ts["name"])
        p = params(r)
        session = (p.get("source"), p.get("medium"), p.get("campaign")) if {"source", "medium", "campaign"} & p.keys() else first
        by_first_touch[channel(first)] += 1
        by_session[channel(session)] += 1
        triples["session " + "/".join(map(str, session))] += 1
        triples["first touch " + "/".join(map(str, first))] += 1
    print("channel by session source", dict(by_session.most_common()))
    print("channel by traffic_source", dict(by_first_touch.most_common()))
    for t, n in sorted(triples.items()):
        print(f"  {t}: {n}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "slice":
        slice_rows(sys.argv[2])
    elif len(sys.argv) == 2:
        report(sys.argv[1])
    else:
        sys.exit(__doc__)
