#!/usr/bin/env python3
"""Generates the sample model and data deterministically (seeded), so nothing is downloaded.

Writes <out>/model.json and <out>/data.csv; with --bad also <out>/bad.csv, an
input the scoring script rejects (a feature column is missing), for failure tests.
The labels follow the model plus noise, so accuracy is high but not 1.
"""
import argparse
import csv
import json
import math
import os
import random

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "late_payments"]


def make_model(rng):
    return {
        "format": "logreg-v1",
        "name": "churn-sample",
        "features": FEATURES,
        "coefficients": [round(rng.uniform(-0.08, -0.02), 4), round(rng.uniform(0.01, 0.03), 4),
                         round(rng.uniform(0.3, 0.6), 4), round(rng.uniform(0.4, 0.8), 4)],
        "intercept": round(rng.uniform(-2.5, -1.5), 4),
        "threshold": 0.5,
    }


def make_rows(rng, model, count):
    for i in range(count):
        x = [rng.randint(1, 72), round(rng.uniform(20, 120), 2), rng.randint(0, 8), rng.randint(0, 5)]
        z = model["intercept"] + sum(c * v for c, v in zip(model["coefficients"], x)) + rng.gauss(0, 0.7)
        label = 1 if 1 / (1 + math.exp(-z)) >= 0.5 else 0
        yield [f"c{i:06d}", *x, label]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bad", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    model = make_model(rng)
    with open(os.path.join(args.out, "model.json"), "w", encoding="utf-8") as handle:
        json.dump(model, handle, indent=2)
    with open(os.path.join(args.out, "data.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", *FEATURES, "label"])
        writer.writerows(make_rows(rng, model, args.rows))
    if args.bad:
        with open(os.path.join(args.out, "bad.csv"), "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id", *FEATURES[:-1]])
            writer.writerow(["c000000", 12, 50.0, 1])


if __name__ == "__main__":
    main()
