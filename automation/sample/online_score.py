"""Real-time scoring with a logistic-regression model stored as JSON (format logreg-v1).

The Azure ML inference server contract: `init()` runs once when the container
starts, `run(raw_data)` once per request with the request body as a string;
what `run` returns is sent back as JSON. Standard library only, so the same
file runs under the server in Azure and under plain python3 in the tests.

Request:  {"data": [{"id": "c1", "tenure_months": 12, ...}, ...]}
          or rows as lists in the model's feature order: {"data": [[12, 50.0, 1, 0]]}
Response: {"model": "<name>", "predictions": [{"id": "c1", "score": 0.73, "prediction": 1}, ...]}

The model is the logreg-v1 JSON file under AZUREML_MODEL_DIR, the folder
where Azure ML places the deployment's model; loading and scoring are
`score.py`'s, which sits beside this file in the deployment's code folder.
"""
import json
import os

import score

MAX_ROWS = 10000

model = None


def init():
    global model
    root = os.environ.get("AZUREML_MODEL_DIR")
    if not root:
        raise RuntimeError("AZUREML_MODEL_DIR is not set: Azure ML sets it to the deployment's model folder")
    model = score.load_model(score.find_model(root))
    print(f"loaded model {model.get('name')} with features {model['features']}")


def run(raw_data):
    request = json.loads(raw_data) if isinstance(raw_data, (str, bytes)) else raw_data
    rows = request.get("data") if isinstance(request, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValueError('the request must be {"data": [...]} with at least one row')
    if len(rows) > MAX_ROWS:
        raise ValueError(f"data: at most {MAX_ROWS} rows per request, got {len(rows)}")
    predictions = []
    for index, row in enumerate(rows):
        try:
            values = score.features_of(model, row)
        except ValueError as err:
            raise ValueError(f"data[{index}]: {err}") from None
        probability, prediction = score.predict(model, values)
        result = {"score": round(probability, 6), "prediction": prediction}
        if isinstance(row, dict) and "id" in row:
            result = {"id": row["id"], **result}
        predictions.append(result)
    return {"model": model.get("name"), "predictions": predictions}
