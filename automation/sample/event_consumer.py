#!/usr/bin/env python3
"""Real-time scoring of Event Hubs events with the sample model (path 2-3's consumer).

Each event is one row to score, as JSON: an object with the model's features
(and optionally an `id`, echoed back), or a list of values in the model's
feature order. Several consumers of one consumer group share the partitions
of the hub through the blob checkpoint store, which also keeps each
partition's checkpoint; KEDA reads those checkpoints to count the backlog and
scales the consumers on it.

Per batch of events the consumer scores every row it can read with
`score.py`'s model and prediction, counts the events it cannot read (bad
JSON, missing or non-numeric features) and skips them: one bad event never
stops the stream. It then logs one JSON line (partition, counts, the
predictions) and checkpoints after the batch's last event.

Environment (the EventConsumer component sets the first five; the workload
identity webhook sets AZURE_CLIENT_ID, AZURE_TENANT_ID and
AZURE_FEDERATED_TOKEN_FILE, which DefaultAzureCredential reads):
  EVENTHUB_FULLY_QUALIFIED_NAMESPACE  <namespace>.servicebus.windows.net
  EVENTHUB_NAME, EVENTHUB_CONSUMER_GROUP
  CHECKPOINT_BLOB_ENDPOINT            https://<account>.blob.core.windows.net/
  CHECKPOINT_CONTAINER
  MODEL_PATH        model file, or a folder holding one (default: model/ beside this file)
  MAX_BATCH_SIZE    events per batch (default 100)
  MAX_WAIT_SECONDS  longest wait for a batch to fill (default 5)

`--stdin` scores event bodies read from standard input, one per line, with
no Azure at all: what the consumer would say for those events.

Only the Azure part needs the packages of requirements-events.txt; they are
imported when the consumer starts, so the scoring part imports with the
standard library alone.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import sys

import score

LOG = logging.getLogger("event_consumer")

DEFAULT_MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
DEFAULT_MAX_BATCH_SIZE = 100
DEFAULT_MAX_WAIT_SECONDS = 5.0
# At most this many reasons per batch go to the log: a flood of bad events must not flood the log too.
MAX_REPORTED_ERRORS = 10


class EventError(ValueError):
    """One event that cannot be scored; the message says why."""


def decode(body):
    """An event body (bytes or text; None when it could not be read) as JSON."""
    if body is None:
        raise EventError("no readable body")
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise EventError(f"not UTF-8 text ({err.reason})") from err
    try:
        return json.loads(body)
    except (TypeError, ValueError) as err:
        raise EventError(f"not JSON ({err})") from err


def score_events(model, bodies):
    """Scores a batch of event bodies; bad events are counted and skipped, never raised.

    Returns {"predictions": [{"index", "id"?, "score", "prediction"}], "bad": n,
    "errors": ["event <index>: <why>", ...]} with at most MAX_REPORTED_ERRORS
    reasons; `index` is the event's place in the batch.
    """
    predictions, errors, bad = [], [], 0
    for index, body in enumerate(bodies):
        try:
            row = decode(body)
            probability, prediction = score.predict(model, score.features_of(model, row))
        except ValueError as err:
            bad += 1
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(f"event {index}: {err}")
            continue
        result = {"index": index, "score": round(probability, 6), "prediction": prediction}
        if isinstance(row, dict) and "id" in row:
            result["id"] = row["id"]
        predictions.append(result)
    return {"predictions": predictions, "bad": bad, "errors": errors}


def read_body(event):
    """An event's body as text, or None when it is not text (decode() then counts it as bad)."""
    try:
        return event.body_as_str(encoding="UTF-8")
    except (TypeError, ValueError):
        return None


def batch_record(partition_id, bodies_count, result, last_sequence_number):
    """The JSON line logged for one batch."""
    return {
        "partition": partition_id,
        "events": bodies_count,
        "scored": len(result["predictions"]),
        "bad": result["bad"],
        "lastSequenceNumber": last_sequence_number,
        "errors": result["errors"],
        "predictions": result["predictions"],
    }


def settings_from(env):
    """The consumer's settings from its environment; a missing variable is named."""
    required = {
        "namespace": "EVENTHUB_FULLY_QUALIFIED_NAMESPACE",
        "eventhub": "EVENTHUB_NAME",
        "consumer_group": "EVENTHUB_CONSUMER_GROUP",
        "blob_endpoint": "CHECKPOINT_BLOB_ENDPOINT",
        "container": "CHECKPOINT_CONTAINER",
    }
    missing = [name for name in required.values() if not env.get(name)]
    if missing:
        raise SystemExit(f"event_consumer: set {', '.join(missing)} (the EventConsumer component sets them)")
    settings = {key: env[name] for key, name in required.items()}
    settings["model_path"] = env.get("MODEL_PATH") or DEFAULT_MODEL_PATH
    settings["max_batch_size"] = int(env.get("MAX_BATCH_SIZE") or DEFAULT_MAX_BATCH_SIZE)
    settings["max_wait_seconds"] = float(env.get("MAX_WAIT_SECONDS") or DEFAULT_MAX_WAIT_SECONDS)
    return settings


async def consume(settings, model):
    """Receives batches until SIGTERM or SIGINT, scoring and checkpointing each one."""
    # Imported here: the scoring part above needs none of them.
    from azure.eventhub.aio import EventHubConsumerClient
    from azure.eventhub.extensions.checkpointstoreblobaio import BlobCheckpointStore
    from azure.identity.aio import DefaultAzureCredential

    credential = DefaultAzureCredential()
    checkpoints = BlobCheckpointStore(settings["blob_endpoint"], settings["container"], credential=credential)
    client = EventHubConsumerClient(
        fully_qualified_namespace=settings["namespace"],
        eventhub_name=settings["eventhub"],
        consumer_group=settings["consumer_group"],
        credential=credential,
        checkpoint_store=checkpoints,
    )

    async def on_batch(context, events):
        if not events:
            return
        result = score_events(model, [read_body(event) for event in events])
        last = events[-1]
        print(json.dumps(batch_record(context.partition_id, len(events), result, last.sequence_number)), flush=True)
        # After the whole batch, bad events included: they are skipped, not retried.
        await context.update_checkpoint(last)

    async def on_error(context, error):
        partition = context.partition_id if context else "-"
        LOG.warning("partition %s: %r", partition, error)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with credential, checkpoints, client:
        receiving = asyncio.create_task(
            client.receive_batch(
                on_event_batch=on_batch,
                on_error=on_error,
                max_batch_size=settings["max_batch_size"],
                max_wait_time=settings["max_wait_seconds"],
                # Without a checkpoint, read from the start of the partition: KEDA starts the first consumer
                # because events are waiting, and those are the ones it must score.
                starting_position="-1",
            )
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if receiving in done:
            receiving.result()
        # Leaving the block closes the client, which ends the receive loop; every scored batch is checkpointed.
        LOG.info("stopping: closing the consumer")
    if not receiving.done():
        receiving.cancel()
    await asyncio.gather(receiving, return_exceptions=True)


def score_stdin(model, lines):
    """The --stdin mode: one body per line in, one JSON result out."""
    bodies = [line.rstrip("\n") for line in lines if line.strip()]
    return score_events(model, bodies)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stdin", action="store_true", help="score event bodies from standard input, one per line")
    parser.add_argument("--model", help="model file or folder (default: $MODEL_PATH, else model/ beside this file)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    model_path = args.model or os.environ.get("MODEL_PATH") or DEFAULT_MODEL_PATH
    try:
        model = score.load_model(score.find_model(model_path))
    except (score.InputError, OSError, ValueError) as err:
        print(f"event_consumer: {err}", file=sys.stderr)
        return 2
    if args.stdin:
        print(json.dumps(score_stdin(model, sys.stdin)))
        return 0
    settings = settings_from(os.environ)
    LOG.info(
        "scoring %s/%s (group %s) with model %s",
        settings["namespace"],
        settings["eventhub"],
        settings["consumer_group"],
        model.get("name"),
    )
    asyncio.run(consume(settings, model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
