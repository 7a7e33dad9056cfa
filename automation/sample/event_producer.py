#!/usr/bin/env python3
"""Sends sample rows to an event hub, one JSON event per row (path 2-3's producer).

Rows come from a CSV file with an `id` column and the model's features, such
as the `data.csv` of `generate.py`, or are generated on the fly with
`generate.py`'s generator (--rows). Each event is a JSON object of the row's
id and features, the body `event_consumer.py` scores; the label, if any, is
left out.

Events are sent in batches without a partition key, so Event Hubs spreads
them over the partitions ("Scaling with Event Hubs": without a partition key
it assigns partitions round-robin).

Signing in: DefaultAzureCredential, e.g. after `az login` with a user that
has Azure Event Hubs Data Sender on the hub (path 2-3's senderPrincipalIds),
or in Azure as the producer identity the stack exports (its client id in
AZURE_CLIENT_ID).

Usage:
  python3 event_producer.py --namespace <ns>.servicebus.windows.net --hub events --rows 5000
  python3 event_producer.py ... --input data.csv --repeat 10 --batch-size 200
  python3 event_producer.py --rows 3 --dry-run        # print the bodies, send nothing
The Azure part needs requirements-events.txt; --dry-run needs only python3.
"""
import argparse
import asyncio
import csv
import json
import os
import random
import sys

import generate

DEFAULT_BATCH_SIZE = 100


def row_body(row, features):
    """The JSON event body of one CSV row: its id and features as numbers."""
    body = {"id": row["id"]}
    for name in features:
        body[name] = float(row[name])
    return json.dumps(body, separators=(",", ":"))


def bodies_from_csv(lines, features):
    """Event bodies of a CSV file's rows; a row that is not numeric is named."""
    reader = csv.DictReader(lines)
    missing = [name for name in ["id", *features] if name not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"input is missing column(s) {', '.join(missing)}")
    bodies = []
    for line, row in enumerate(reader, start=2):
        try:
            bodies.append(row_body(row, features))
        except (TypeError, ValueError) as err:
            raise ValueError(f"input line {line}: a feature is not a number ({err})") from err
    return bodies


def generated_bodies(count, seed):
    """Event bodies of `count` rows from generate.py's generator, with its sample model."""
    rng = random.Random(seed)
    model = generate.make_model(rng)
    bodies = []
    for row in generate.make_rows(rng, model, count):
        values = dict(zip(["id", *generate.FEATURES], row))
        bodies.append(row_body(values, generate.FEATURES))
    return bodies


def batches(bodies, size):
    """`bodies` in lists of at most `size`."""
    return [bodies[i : i + size] for i in range(0, len(bodies), size)]


async def send(namespace, hub, bodies, batch_size):
    """Sends the bodies in batches; returns how many were sent."""
    # Imported here: --dry-run needs none of them.
    from azure.eventhub import EventData
    from azure.eventhub.aio import EventHubProducerClient
    from azure.identity.aio import DefaultAzureCredential

    sent = 0
    credential = DefaultAzureCredential()
    producer = EventHubProducerClient(fully_qualified_namespace=namespace, eventhub_name=hub, credential=credential)
    async with credential, producer:
        for chunk in batches(bodies, batch_size):
            batch = await producer.create_batch()
            for body in chunk:
                try:
                    batch.add(EventData(body))
                except ValueError:
                    # The batch is full (its size limit is the tier's): send it and start another.
                    await producer.send_batch(batch)
                    sent += len(batch)
                    batch = await producer.create_batch()
                    batch.add(EventData(body))
            await producer.send_batch(batch)
            sent += len(batch)
    return sent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespace", default=os.environ.get("EVENTHUB_FULLY_QUALIFIED_NAMESPACE"))
    parser.add_argument("--hub", default=os.environ.get("EVENTHUB_NAME"))
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", help="CSV with id and the model's features (e.g. generate.py's data.csv)")
    source.add_argument("--rows", type=int, help="generate this many rows instead (default 1000)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated rows")
    parser.add_argument("--repeat", type=int, default=1, help="send the rows this many times")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="events per batch sent")
    parser.add_argument("--dry-run", action="store_true", help="print the event bodies instead of sending them")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.batch_size < 1:
        parser.error("--repeat and --batch-size must be at least 1")
    try:
        if args.input:
            with open(args.input, newline="", encoding="utf-8") as handle:
                bodies = bodies_from_csv(handle, generate.FEATURES)
        else:
            bodies = generated_bodies(args.rows if args.rows is not None else 1000, args.seed)
    except (OSError, ValueError) as err:
        print(f"event_producer: {err}", file=sys.stderr)
        return 2
    bodies = bodies * args.repeat
    if args.dry_run:
        for body in bodies:
            print(body)
        return 0
    if not args.namespace or not args.hub:
        parser.error("--namespace and --hub are required (or EVENTHUB_FULLY_QUALIFIED_NAMESPACE and EVENTHUB_NAME)")
    sent = asyncio.run(send(args.namespace, args.hub, bodies, args.batch_size))
    print(f"sent {sent} events to {args.namespace}/{args.hub}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
