#!/usr/bin/env python3
"""Batch scoring with a logistic-regression model stored as JSON.

Standard library only, so the same script runs on a laptop (the `local`
target) and on a stock Azure ML environment (the `aml` target).

Input:  a CSV with an `id` column, one column per model feature and,
        optionally, a `label` column (0/1) used for accuracy.
Output: <output-dir>/predictions.csv (id, score, prediction) and
        <output-dir>/metrics.json (rows, meanScore, positiveRate, accuracy).
Arguments follow the driver's workload contract (automation/spec/workload.ts):
--model, one --<input> per named input (this script reads `input`), --output-dir.
Exit codes: 0 success, 2 bad input or model, 3 lost driver (see --watch-pid).
"""
import argparse
import csv
import json
import math
import os
import sys
import time

MODEL_FORMAT = "logreg-v1"


class InputError(Exception):
    """The input or the model cannot be scored; the message says which field."""


def load_model(path):
    with open(path, encoding="utf-8") as handle:
        model = json.load(handle)
    if model.get("format") != MODEL_FORMAT:
        raise InputError(f"model {path}: format must be {MODEL_FORMAT!r}, got {model.get('format')!r}")
    features, coefficients = model.get("features"), model.get("coefficients")
    if not isinstance(features, list) or not isinstance(coefficients, list) or len(features) != len(coefficients):
        raise InputError(f"model {path}: features and coefficients must be lists of the same length")
    return model


def sigmoid(z):
    # Split by sign so exp() never overflows on extreme inputs.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def score_rows(model, reader, writer):
    features = model["features"]
    missing = [f for f in ["id", *features] if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"input is missing column(s) {', '.join(missing)}")
    threshold = float(model.get("threshold", 0.5))
    rows = positives = labelled = correct = 0
    score_sum = 0.0
    for line, row in enumerate(reader, start=2):
        try:
            values = [float(row[f]) for f in features]
        except (TypeError, ValueError) as err:
            raise InputError(f"input line {line}: a feature is not a number ({err})") from err
        z = float(model.get("intercept", 0.0)) + sum(c * x for c, x in zip(model["coefficients"], values))
        score = sigmoid(z)
        prediction = 1 if score >= threshold else 0
        writer.writerow([row["id"], f"{score:.6f}", prediction])
        rows += 1
        positives += prediction
        score_sum += score
        if row.get("label") not in (None, ""):
            labelled += 1
            correct += int(int(row["label"]) == prediction)
    return {
        "rows": rows,
        "meanScore": round(score_sum / rows, 6) if rows else None,
        "positiveRate": round(positives / rows, 6) if rows else None,
        "accuracy": round(correct / labelled, 6) if labelled else None,
        "labelledRows": labelled,
    }


def process_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(seconds, watch_pid):
    """Sleeps without computing, in short steps so a lost driver is noticed."""
    deadline = time.monotonic() + seconds
    while True:
        # Checked before the first sleep too: the driver may die while a python launcher starts us.
        if watch_pid and not process_exists(watch_pid):
            # The driver died (e.g. SIGKILL): nobody will collect our output.
            print(f"driver process {watch_pid} is gone; stopping", file=sys.stderr)
            sys.exit(3)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(0.2, remaining))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="model JSON file")
    parser.add_argument("--input", required=True, help="input CSV file")
    parser.add_argument("--output-dir", required=True, help="directory for predictions.csv and metrics.json")
    parser.add_argument("--wait-seconds", type=float, default=0.0, help="sleep this long before scoring")
    parser.add_argument(
        "--watch-pid",
        type=int,
        # The local target names its own pid here, so a killed driver leaves no job running.
        default=int(os.environ.get("CUSTOMAI_DRIVER_PID", "0") or 0),
        help="exit when the process with this pid dies (default: $CUSTOMAI_DRIVER_PID)",
    )
    args = parser.parse_args(argv)

    wait(args.wait_seconds, args.watch_pid)
    started = time.monotonic()
    try:
        model = load_model(args.model)
        os.makedirs(args.output_dir, exist_ok=True)
        predictions = os.path.join(args.output_dir, "predictions.csv")
        with open(args.input, newline="", encoding="utf-8") as src, open(
            predictions, "w", newline="", encoding="utf-8"
        ) as dst:
            writer = csv.writer(dst, lineterminator="\n")
            writer.writerow(["id", "score", "prediction"])
            metrics = score_rows(model, csv.DictReader(src), writer)
    except (InputError, OSError, json.JSONDecodeError) as err:
        print(f"scoring failed: {err}", file=sys.stderr)
        return 2
    metrics["scoringSeconds"] = round(time.monotonic() - started, 3)
    with open(os.path.join(args.output_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2)
    print(f"scored {metrics['rows']} rows into {predictions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
