#!/usr/bin/env python3
"""A foreign mqpool producer in Python, written from docs/PROTOCOL.md alone.

Publishes three jobs to the mqpool task queue and checks what the Java workers answer:

  * job 1: cube over [2, "abc", 3000000] in one task message (one chunk of three items);
  * job 2: greet over ["Mahima"];
  * job 3: sleep over [3000, 10] in one task message with "timeoutMs": 500 (§4.3).

Expected: 8, a BAD_ARGUMENTS error for index 1, 27000000000000000000; "Hello,Mahima"; and a TIMEOUT
error for index 0 (3000 ms is past the 500 ms limit) followed by 10 (the worker goes on with the next
item of the message on a fresh thread).
Prints one JSON line with the results and exits 0 if they match, 1 if they do not, 3 if the broker
cannot be used or the results do not all arrive within --timeout (2 is a bad command line).

Needs only pika and the standard library (apt-get install python3-pika, or pip install pika):

    python3 docs/examples/pika_client.py --url amqp://guest:guest@localhost:5672/ --queue mqpool.tasks
"""

import argparse
import json
import sys
import time
import uuid

import pika
import pika.exceptions

PROTOCOL_VERSION = 1                       # PROTOCOL.md §2
DELIVERY_LIMIT = 5                         # §3.1
PARKING_MAX_LENGTH = 100000                # §3.1
RESULT_QUEUE_TTL_MS = 10 * 60 * 1000       # §3.3: x-expires, comfortably longer than the job
COMPANION_DELIVERY_LIMIT = 1000            # §3.1, §3.3: explicit, above RabbitMQ 4's default of 20

EXIT_OK, EXIT_MISMATCH, EXIT_BROKER = 0, 1, 3


def parse_args():
    p = argparse.ArgumentParser(description="Run cube and greet on mqpool workers through RabbitMQ.")
    p.add_argument("--url", default="amqp://guest:guest@localhost:5672/", help="broker URL (default: %(default)s)")
    p.add_argument("--queue", default="mqpool.tasks", help="task queue (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for all results (default: %(default)s)")
    return p.parse_args()


def encode(obj):
    """Compact UTF-8 JSON (§9)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def declare_task_queue(conn, queue):
    """Use the task queue as it is if it exists; else declare it and its companions exactly as §3.1 says.

    Returns a usable channel (a failed declare closes the channel it was made on).
    """
    ch = conn.channel()
    try:
        ch.queue_declare(queue, passive=True)   # §3.1: an existing task queue is used as declared
        return ch
    except pika.exceptions.ChannelClosedByBroker as e:
        if e.reply_code != 404:                 # NOT_FOUND: nobody has declared it yet
            raise
    ch = conn.channel()
    try:
        ch.queue_declare(queue + ".parked", durable=True, arguments={
            "x-queue-type": "quorum", "x-delivery-limit": COMPANION_DELIVERY_LIMIT, "x-max-length": PARKING_MAX_LENGTH})
        ch.queue_declare(queue + ".dead", durable=True, arguments={
            "x-queue-type": "quorum", "x-delivery-limit": COMPANION_DELIVERY_LIMIT})
        ch.queue_declare(queue, durable=True, arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": queue + ".dead",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        })
        return ch
    except pika.exceptions.ChannelClosedByBroker as e:
        if e.reply_code != 406:                 # PRECONDITION_FAILED: someone else just declared it otherwise
            raise
    ch = conn.channel()
    ch.queue_declare(queue, passive=True)
    return ch


def main():
    args = parse_args()
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)          # §9: results may be huge integers

    client = "pika-" + uuid.uuid4().hex[:12]
    result_queue = "mqpool.results." + client  # §3.3
    jobs = {                                   # job id -> (task, inputs, per-item time limit in ms or None)
        client + "-1": ("cube", [2, "abc", 3000000], None),
        client + "-2": ("greet", ["Mahima"], None),
        client + "-3": ("sleep", [3000, 10], 500),
    }

    try:
        conn = pika.BlockingConnection(pika.URLParameters(args.url))
    except pika.exceptions.AMQPError as e:
        print(f"pika_client: cannot connect to {args.url}: {e!r}", file=sys.stderr)
        return EXIT_BROKER

    try:
        ch = declare_task_queue(conn, args.queue)
        # §3.3: durable, quorum (replicated), not exclusive, with x-expires so a crash leaves nothing behind.
        ch.queue_declare(result_queue, durable=True, arguments={
            "x-queue-type": "quorum", "x-delivery-limit": COMPANION_DELIVERY_LIMIT, "x-expires": RESULT_QUEUE_TTL_MS})
        ch.confirm_delivery()                   # §4.1: publisher confirms + mandatory

        # §4: one task message per job; all items of a job in one chunk, each with its index.
        sent = {}                               # message_id -> (job, [indexes])   for §6.3 / §10
        for job, (task, inputs, timeout_ms) in jobs.items():
            items = [{"i": i, "args": [x]} for i, x in enumerate(inputs)]
            message_id = f"{job}:{items[0]['i']}"
            body = {"v": PROTOCOL_VERSION, "job": job, "task": task, "items": items}
            if timeout_ms is not None:
                body["timeoutMs"] = timeout_ms  # §4.3: per-item time limit, answered TIMEOUT when exceeded
            props = pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                         correlation_id=job, reply_to=result_queue, message_id=message_id)
            ch.basic_publish("", args.queue, encode(body), props, mandatory=True)
            sent[message_id] = (job, [it["i"] for it in items])

        # §10: collect results by (job, index); keep the first, count the rest.
        results = {job: {} for job in jobs}
        wanted = sum(len(inputs) for _, inputs, _ in jobs.values())
        received = duplicates = 0
        ignored = []
        started = time.monotonic()
        deadline = started + args.timeout
        for method, props, raw in ch.consume(result_queue, inactivity_timeout=0.2):
            if method is not None:
                try:
                    msg = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError) as e:
                    msg = None
                    ignored.append(f"unreadable result message: {e}")
                ch.basic_ack(method.delivery_tag)  # acknowledge every result message, even bad ones
                if isinstance(msg, dict):
                    if msg.get("v") != PROTOCOL_VERSION:
                        ignored.append(f"result message of version {msg.get('v')!r}")
                    elif msg.get("job") not in results:
                        ignored.append(f"result for unknown job {msg.get('job')!r}")
                    elif msg.get("error") and not msg.get("results"):
                        # §6.3: message-level error; mqpool-in-reply-to names the task message.
                        in_reply_to = (props.headers or {}).get("mqpool-in-reply-to")
                        job, indexes = sent.get(in_reply_to, (msg["job"], []))
                        for i in indexes:
                            if i not in results[job]:
                                results[job][i] = {"i": i, "error": msg["error"]}
                                received += 1
                    else:
                        for r in msg.get("results", []):
                            if r["i"] in results[msg["job"]]:
                                duplicates += 1
                            else:
                                results[msg["job"]][r["i"]] = r
                                received += 1
            if received >= wanted or time.monotonic() >= deadline:
                break
        elapsed = time.monotonic() - started  # under 3 s: the sleep of 3000 ms is cut off at 500 ms
        ch.cancel()
        ch.queue_delete(result_queue)
        conn.close()
    except pika.exceptions.AMQPError as e:
        print(f"pika_client: broker error: {e!r}", file=sys.stderr)
        return EXIT_BROKER

    # §10: reorder by index. An item result has either "value" (possibly null) or "error" (§6.3).
    def outcome(r):
        return {"error": r["error"]} if "error" in r else {"value": r.get("value")}

    out = {}
    for job, (task, inputs, _) in jobs.items():
        out[task] = [outcome(results[job][i]) if i in results[job] else None for i in range(len(inputs))]
    report = {"results": out, "received": received, "duplicates": duplicates, "seconds": round(elapsed, 1)}
    if ignored:
        report["ignored"] = ignored
    print(json.dumps(report, separators=(",", ":")))

    if received < wanted:
        print(f"pika_client: only {received} of {wanted} results within {args.timeout:g}s "
              f"(is a worker serving {args.queue}?)", file=sys.stderr)
        return EXIT_BROKER
    cube, greet, sleep = out["cube"], out["greet"], out["sleep"]
    ok = (cube[0] == {"value": 8}
          and cube[1].get("error", {}).get("code") == "BAD_ARGUMENTS"
          and cube[2] == {"value": 27000000000000000000}
          and greet == [{"value": "Hello,Mahima"}]
          and sleep[0].get("error", {}).get("code") == "TIMEOUT"
          and sleep[1] == {"value": 10})
    if not ok:
        print("pika_client: results differ from the expected [8, BAD_ARGUMENTS, 27000000000000000000], "
              "[\"Hello,Mahima\"] and [TIMEOUT, 10]", file=sys.stderr)
        return EXIT_MISMATCH
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
