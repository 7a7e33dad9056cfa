#!/usr/bin/env python3
"""Batch scoring with a logistic-regression model stored as JSON.

Standard library only, so the same script runs on a laptop (the `local`
target) and on a stock Azure ML environment (the `aml` target).

Input:  a CSV with an `id` column, one column per model feature and,
        optionally, a `label` column (0/1) used for accuracy; or a folder of
        such CSV files, scored one by one.
Output: <output-dir>/predictions.csv (id, score, prediction) and
        <output-dir>/metrics.json (rows, meanScore, positiveRate, accuracy).
Resume: with a folder, each file's predictions and counts are kept under
        <output-dir>/parts/ as it finishes (written whole, then renamed), so a
        job submitted again into the same output folder, e.g. after its Spot
        nodes were preempted, scores only the files not done yet.
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


def find_model(root):
    """The model file: `root` itself, or the first logreg-v1 JSON file under it, model.json first.

    Azure ML places a deployment's model under AZUREML_MODEL_DIR, in folders of its own.
    """
    if os.path.isfile(root):
        return root
    candidates = []
    for folder, _, files in sorted(os.walk(root)):
        candidates += [os.path.join(folder, name) for name in sorted(files) if name.endswith(".json")]
    candidates.sort(key=lambda path: (os.path.basename(path) != "model.json", path))
    for path in candidates:
        try:
            with open(path, encoding="utf-8") as handle:
                if json.load(handle).get("format") == MODEL_FORMAT:
                    return path
        except (OSError, ValueError, AttributeError):
            continue
    raise InputError(f"no {MODEL_FORMAT} model file under {root}")


def features_of(model, row):
    """The feature values of one request row or event, in the model's order.

    A row is an object of features (extra keys such as `id` are ignored) or a
    list of values in the model's order. ValueError says what is wrong; the
    caller adds where the row came from.
    """
    names = model["features"]
    if isinstance(row, dict):
        missing = [name for name in names if name not in row]
        if missing:
            raise ValueError(f"missing feature(s) {', '.join(missing)}")
        raw = [row[name] for name in names]
    elif isinstance(row, list):
        if len(row) != len(names):
            raise ValueError(f"{len(row)} values, the model has {len(names)} features ({', '.join(names)})")
        raw = row
    else:
        raise ValueError(f"an object of features or a list of values, got {type(row).__name__}")
    values = []
    for name, value in zip(names, raw):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name}: a finite number, got {value!r}")
        values.append(float(value))
    return values


def predict(model, values):
    """(score, prediction) of one row's feature values, in the model's feature order."""
    z = float(model.get("intercept", 0.0)) + sum(c * x for c, x in zip(model["coefficients"], values))
    score = sigmoid(z)
    return score, 1 if score >= float(model.get("threshold", 0.5)) else 0


def sigmoid(z):
    # Split by sign so exp() never overflows on extreme inputs.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def score_rows(model, reader, writer):
    """Writes a prediction per row; returns the counts metrics are made of."""
    features = model["features"]
    missing = [f for f in ["id", *features] if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"input is missing column(s) {', '.join(missing)}")
    counts = {"rows": 0, "positives": 0, "scoreSum": 0.0, "labelled": 0, "correct": 0}
    for line, row in enumerate(reader, start=2):
        try:
            values = [float(row[f]) for f in features]
        except (TypeError, ValueError) as err:
            raise InputError(f"input line {line}: a feature is not a number ({err})") from err
        score, prediction = predict(model, values)
        writer.writerow([row["id"], f"{score:.6f}", prediction])
        counts["rows"] += 1
        counts["positives"] += prediction
        counts["scoreSum"] += score
        if row.get("label") not in (None, ""):
            counts["labelled"] += 1
            counts["correct"] += int(int(row["label"]) == prediction)
    return counts


def metrics_of(counts):
    rows, labelled = counts["rows"], counts["labelled"]
    return {
        "rows": rows,
        "meanScore": round(counts["scoreSum"] / rows, 6) if rows else None,
        "positiveRate": round(counts["positives"] / rows, 6) if rows else None,
        "accuracy": round(counts["correct"] / labelled, 6) if labelled else None,
        "labelledRows": labelled,
    }


def score_file(model, source, predictions):
    """Scores one CSV file into `predictions` (with a header); returns its counts."""
    with open(source, newline="", encoding="utf-8") as src, open(
        predictions, "w", newline="", encoding="utf-8"
    ) as dst:
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(["id", "score", "prediction"])
        return score_rows(model, csv.DictReader(src), writer)


def write_whole(path, write):
    """Writes a file under a temporary name, then renames it: a stopped job leaves no half file."""
    partial = f"{path}.partial"
    write(partial)
    os.replace(partial, path)


def score_folder(model, folder, output_dir, seconds_per_input, watch_pid):
    """Scores every CSV file of `folder`, skipping those a previous submission finished; returns total counts."""
    sources = sorted(name for name in os.listdir(folder) if name.endswith(".csv"))
    if not sources:
        raise InputError(f"input folder {folder} holds no .csv file")
    parts = os.path.join(output_dir, "parts")
    os.makedirs(parts, exist_ok=True)
    done = [name for name in sources if os.path.exists(os.path.join(parts, f"{name}.json"))]
    if done:
        print(f"resuming: {len(done)} of {len(sources)} input files were scored by an earlier submission")
    for name in sources:
        if name in done:
            continue
        part = os.path.join(parts, name)
        counts = {}
        write_whole(part, lambda path: counts.update(score_file(model, os.path.join(folder, name), path)))

        def write_counts(path):
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(counts, handle)

        # The counts file marks the part done, so it is written last.
        write_whole(f"{part}.json", write_counts)
        print(f"scored {name}: {counts['rows']} rows")
        wait(seconds_per_input, watch_pid)
    total = {"rows": 0, "positives": 0, "scoreSum": 0.0, "labelled": 0, "correct": 0}
    with open(os.path.join(output_dir, "predictions.csv"), "w", newline="", encoding="utf-8") as dst:
        dst.write("id,score,prediction\n")
        for name in sources:
            with open(os.path.join(parts, name), encoding="utf-8") as src:
                next(src)
                dst.writelines(src)
            with open(os.path.join(parts, f"{name}.json"), encoding="utf-8") as handle:
                for key, value in json.load(handle).items():
                    total[key] += value
    return total


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
    parser.add_argument("--input", required=True, help="input CSV file, or a folder of CSV files")
    parser.add_argument("--output-dir", required=True, help="directory for predictions.csv and metrics.json")
    parser.add_argument("--wait-seconds", type=float, default=0.0, help="sleep this long before scoring")
    parser.add_argument(
        "--seconds-per-input",
        type=float,
        default=0.0,
        help="with an input folder, sleep this long after each file (to stop a job half-way in tests)",
    )
    parser.add_argument(
        "--watch-pid",
        type=int,
        # The local target names its own pid here, so a killed driver leaves no job running.
        default=int(os.environ.get("CUSTOMAI_DRIVER_PID", "0") or 0),
        help="exit when the process with this pid dies (default: $CUSTOMAI_DRIVER_PID)",
    )
    args = parser.parse_args(argv)

    attempt = os.environ.get("CUSTOMAI_ATTEMPT", "1")
    if attempt != "1":
        print(f"submission {attempt} of this job")
    wait(args.wait_seconds, args.watch_pid)
    started = time.monotonic()
    predictions = os.path.join(args.output_dir, "predictions.csv")
    try:
        model = load_model(args.model)
        os.makedirs(args.output_dir, exist_ok=True)
        if os.path.isdir(args.input):
            counts = score_folder(model, args.input, args.output_dir, args.seconds_per_input, args.watch_pid)
        else:
            counts = score_file(model, args.input, predictions)
    except (InputError, OSError, json.JSONDecodeError) as err:
        print(f"scoring failed: {err}", file=sys.stderr)
        return 2
    metrics = metrics_of(counts)
    metrics["scoringSeconds"] = round(time.monotonic() - started, 3)
    with open(os.path.join(args.output_dir, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2)
    print(f"scored {metrics['rows']} rows into {predictions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
