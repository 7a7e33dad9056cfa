#!/usr/bin/env python3
"""HTTP scoring server for the sample model (path 2-5's container). Standard library only.

  POST /score    {"data": [...]} -> {"model": ..., "predictions": [...]}; 400 on a bad request
  GET  /healthz  liveness: 200 while the process serves requests
  GET  /ready    readiness: 200 once the model is loaded, 503 before

Requests and answers are those of path 2-1's endpoint: rows as objects of the
model's features (an `id` is echoed back) or as lists in feature order. The
row checks are online_score.py's and the model loading and scoring score.py's;
both sit beside this file, so the three scorers always agree.

The model loads in the background, so the liveness probe answers while a large
model is still loading and only the readiness probe waits for it. A model that
fails to load stops the server with exit code 2, and Kubernetes restarts it.

Settings: --port or $PORT (default 8080; 0 picks a free port), --model or
$MODEL_PATH (a logreg-v1 file, or a folder holding one; default: the folder
`model` beside this file), --host or $HOST (default 0.0.0.0), and
--max-request-bytes or $MAX_REQUEST_BYTES (default 1048576; larger bodies get 413).
"""
import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import online_score
import score

DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
# How much of an oversized body is read (and dropped) before answering 413.
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


class ModelHolder:
    """The model once loaded, and whether loading failed; shared by the request threads."""

    def __init__(self):
        self.model = None
        self.error = None
        self.loaded = threading.Event()

    def load(self, path):
        try:
            self.model = score.load_model(score.find_model(path))
            # online_score's row checks read its module's model.
            online_score.model = self.model
            print(f"loaded model {self.model.get('name')} from {path}", flush=True)
        except (score.InputError, OSError, ValueError) as err:
            self.error = f"cannot load the model from {path}: {err}"
            print(self.error, file=sys.stderr, flush=True)
        finally:
            self.loaded.set()

    @property
    def ready(self):
        return self.model is not None


def make_handler(holder, max_request_bytes):
    class ScoringHandler(BaseHTTPRequestHandler):
        server_version = "customai-http-score"
        # HTTP/1.1 keeps connections open for load balancers and clients that reuse them.
        protocol_version = "HTTP/1.1"

        def send_json(self, status, body):
            payload = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            if self.path == "/healthz":
                self.send_json(200, {"status": "alive"})
            elif self.path == "/ready":
                if holder.ready:
                    self.send_json(200, {"status": "ready", "model": holder.model.get("name")})
                else:
                    self.send_json(503, {"status": "loading"})
            else:
                self.send_json(404, {"error": f"no such path {self.path}: POST /score, GET /healthz, GET /ready"})

        def do_POST(self):
            if self.path != "/score":
                self.send_json(404, {"error": f"no such path {self.path}: POST /score"})
                return
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                # Without a length the body cannot be read within bounds.
                self.close_connection = True
                self.send_json(411, {"error": "a Content-Length header is required"})
                return
            if int(length) > max_request_bytes:
                # Read and drop a moderately large body (chunk by chunk, never held whole) so the client gets
                # the answer rather than a reset connection; a huge one is cut off.
                self.close_connection = True
                left = min(int(length), DRAIN_LIMIT_BYTES)
                while left > 0:
                    chunk = self.rfile.read(min(left, 65536))
                    if not chunk:
                        break
                    left -= len(chunk)
                self.send_json(413, {"error": f"request body above {max_request_bytes} bytes"})
                return
            body = self.rfile.read(int(length))
            if not holder.ready:
                self.send_json(503, {"error": "the model is still loading"})
                return
            try:
                request = json.loads(body)
            except ValueError as err:
                # Not UTF-8, or not JSON (json.JSONDecodeError and UnicodeDecodeError are ValueErrors).
                self.send_json(400, {"error": f"the request body is not JSON: {err}"})
                return
            try:
                answer = online_score.run(request)
            except ValueError as err:
                # A request the model cannot score; the message names the row and the field.
                self.send_json(400, {"error": str(err)})
                return
            except Exception as err:  # the client gets an answer whatever went wrong
                print(f"scoring failed: {err!r}", file=sys.stderr, flush=True)
                self.send_json(500, {"error": "scoring failed; see the server log"})
                return
            self.send_json(200, answer)

        def do_PUT(self):
            self.send_json(405, {"error": "use POST /score"})

        do_DELETE = do_PUT
        do_PATCH = do_PUT

        def log_message(self, format, *args):
            # Probes hit the server every few seconds; only scoring requests are logged.
            if self.path not in ("/healthz", "/ready"):
                sys.stderr.write(f"{self.address_string()} {format % args}\n")

    return ScoringHandler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--model", default=os.environ.get("MODEL_PATH", DEFAULT_MODEL))
    parser.add_argument(
        "--max-request-bytes",
        type=int,
        default=int(os.environ.get("MAX_REQUEST_BYTES", str(DEFAULT_MAX_REQUEST_BYTES))),
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port: a port from 0 to 65535, got {args.port}")
    if args.max_request_bytes < 1:
        parser.error(f"--max-request-bytes: at least 1, got {args.max_request_bytes}")

    holder = ModelHolder()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(holder, args.max_request_bytes))
    server.daemon_threads = True

    def stop(signum, _frame):
        print(f"signal {signum}: stopping", flush=True)
        # shutdown() waits for serve_forever, so it runs outside the signal handler's thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def load_then_check():
        holder.load(args.model)
        if holder.error:
            threading.Thread(target=server.shutdown, daemon=True).start()

    threading.Thread(target=load_then_check, daemon=True).start()
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 2 if holder.error else 0


if __name__ == "__main__":
    sys.exit(main())
