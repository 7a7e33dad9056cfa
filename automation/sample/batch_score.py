"""Scoring script of an Azure ML batch deployment (path 2-2), for the sample model.

The batch deployment contract: `init()` runs once per worker process;
`run(mini_batch)` once per mini-batch, with the paths of up to
`miniBatchSize` input files. With the output action AppendRow, each element
of the returned list becomes one line of the deployment's output file
(https://learn.microsoft.com/azure/machine-learning/how-to-batch-scoring-script).

Each input file is a CSV as `score.py` reads it; each returned line is
`<file>,<id>,<score>,<prediction>`. The scoring itself is `score.py`'s, which
sits beside this file in the deployment's code folder. Standard library only.

The model is the logreg-v1 JSON file under AZUREML_MODEL_DIR, the folder
where Azure ML places the deployment's model.
"""
import csv
import io
import os

import score

model = None


def init():
    global model
    model = score.load_model(score.find_model(os.environ.get("AZUREML_MODEL_DIR", ".")))


def run(mini_batch):
    lines = []
    for path in mini_batch:
        buffer = io.StringIO()
        with open(path, newline="", encoding="utf-8") as source:
            score.score_rows(model, csv.DictReader(source), csv.writer(buffer, lineterminator="\n"))
        name = os.path.basename(path)
        lines += [f"{name},{row}" for row in buffer.getvalue().splitlines()]
    return lines
