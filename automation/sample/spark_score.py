#!/usr/bin/env python3
"""Batch scoring on Spark with the sample logistic-regression model (logreg-v1 JSON).

The Spark twin of score.py, for the `spark` target (an Azure ML Spark job) and
any Spark session: each partition of the input is scored by plain Python
(`mapPartitions`, no pandas), so the work spreads over the executors.

Input:  a CSV with an `id` column, one column per model feature and,
        optionally, a `label` column (0/1) used for accuracy; or a folder of
        such CSV files. Any path or URI Spark reads (a local path,
        azureml://, abfss://, wasbs://); the model too.
Output: <output-dir>/predictions/ (a Spark CSV folder of part files with the
        header id,score,prediction; the rows score.py writes) and
        <output-dir>/metrics.json (rows, meanScore, positiveRate, accuracy,
        labelledRows, scoringSeconds, as score.py).
Arguments follow the driver's workload contract (automation/spec/workload.ts):
--model, --input, --output-dir.
Exit codes: 0 success, 2 bad input or model.
"""
import argparse
import json
import math
import sys
import time

MODEL_FORMAT = "logreg-v1"
# A bad row is carried through the scoring as this marker plus its reason, so one pass finds it.
BAD_ROW = "__bad_row__"


class InputError(Exception):
    """The input or the model cannot be scored; the message says which field."""


def parse_model(text, where):
    try:
        model = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"model {where}: not JSON ({err})") from err
    if not isinstance(model, dict) or model.get("format") != MODEL_FORMAT:
        found = model.get("format") if isinstance(model, dict) else type(model).__name__
        raise InputError(f"model {where}: format must be {MODEL_FORMAT!r}, got {found!r}")
    features, coefficients = model.get("features"), model.get("coefficients")
    if not isinstance(features, list) or not isinstance(coefficients, list) or len(features) != len(coefficients):
        raise InputError(f"model {where}: features and coefficients must be lists of the same length")
    return model


def sigmoid(z):
    # Split by sign so exp() never overflows on extreme inputs.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def partition_scorer(model, has_label):
    """A function scoring one partition of rows (dicts of strings) into (id, score, prediction, label) tuples."""
    features = model["features"]
    coefficients = [float(c) for c in model["coefficients"]]
    intercept = float(model.get("intercept", 0.0))
    threshold = float(model.get("threshold", 0.5))

    def score_partition(rows):
        for row in rows:
            try:
                values = [float(row[f]) for f in features]
            except (TypeError, ValueError) as err:
                yield (BAD_ROW, f"row id {row['id']!r}: a feature is not a number ({err})", None, None)
                continue
            score = sigmoid(intercept + sum(c * x for c, x in zip(coefficients, values)))
            prediction = 1 if score >= threshold else 0
            label = row["label"] if has_label else None
            yield (row["id"], f"{score:.6f}", prediction, None if label in (None, "") else int(label))

    return score_partition


def partition_counts(rows):
    """The counts metrics are made of, for one partition of scored tuples."""
    scores = []
    positives = labelled = correct = 0
    for _, score, prediction, label in rows:
        scores.append(float(score))
        positives += prediction
        if label is not None:
            labelled += 1
            correct += int(label == prediction)
    yield (len(scores), positives, math.fsum(scores), labelled, correct)


def metrics_of(rows, positives, score_sum, labelled, correct):
    return {
        "rows": rows,
        "meanScore": round(score_sum / rows, 6) if rows else None,
        "positiveRate": round(positives / rows, 6) if rows else None,
        "accuracy": round(correct / labelled, 6) if labelled else None,
        "labelledRows": labelled,
    }


def write_text(spark, uri, text):
    """Writes one small file through Hadoop's file system, so a datastore URI works as a local path does."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(uri)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = fs.create(target, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def score(spark, model_uri, input_uri, output_dir):
    """Scores `input_uri` into `output_dir`; returns the metrics."""
    text = "\n".join(r.value for r in spark.read.text(model_uri, wholetext=True).collect())
    model = parse_model(text, model_uri)
    # Every column as the string it is in the file, as score.py's csv.DictReader reads it.
    frame = (
        spark.read.option("header", True)
        .option("inferSchema", False)
        .option("pathGlobFilter", "*.csv")
        .csv(input_uri)
    )
    missing = [f for f in ["id", *model["features"]] if f not in frame.columns]
    if missing:
        raise InputError(f"input is missing column(s) {', '.join(missing)}")
    has_label = "label" in frame.columns
    scored = frame.rdd.map(lambda r: r.asDict()).mapPartitions(partition_scorer(model, has_label)).cache()
    bad = scored.filter(lambda t: t[0] == BAD_ROW).map(lambda t: t[1]).take(1)
    if bad:
        raise InputError(f"input {bad[0]}")
    out = output_dir.rstrip("/")
    (
        scored.map(lambda t: (t[0], t[1], t[2]))
        .toDF(["id", "score", "prediction"])
        .write.mode("overwrite")
        .option("header", True)
        .csv(f"{out}/predictions")
    )
    # fold, not reduce: an input of a header alone has no rows to reduce.
    totals = scored.mapPartitions(partition_counts).fold(
        (0, 0, 0.0, 0, 0), lambda a, b: tuple(x + y for x, y in zip(a, b))
    )
    return metrics_of(*totals)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="model JSON file (path or URI)")
    parser.add_argument("--input", required=True, help="input CSV file or folder (path or URI)")
    parser.add_argument("--output-dir", required=True, help="folder (path or URI) for predictions/ and metrics.json")
    args = parser.parse_args(argv)

    from pyspark.errors import AnalysisException
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("customai-spark-score").getOrCreate()
    started = time.monotonic()
    try:
        metrics = score(spark, args.model, args.input, args.output_dir)
    except (InputError, AnalysisException) as err:
        # AnalysisException: Spark could not read a path (e.g. it does not exist).
        print(f"scoring failed: {err}", file=sys.stderr)
        spark.stop()
        return 2
    metrics["scoringSeconds"] = round(time.monotonic() - started, 3)
    write_text(spark, f"{args.output_dir.rstrip('/')}/metrics.json", json.dumps(metrics, indent=2))
    print(f"scored {metrics['rows']} rows into {args.output_dir.rstrip('/')}/predictions/")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
