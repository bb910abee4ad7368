"""Celery's figure beside mqpool's chunk-size-1 one: a group of N `cube` tasks, prefork workers, rpc:// results.

Usage (Debian's python3-celery; the broker of `mqpool bench`):
    /usr/bin/python3 docs/bench/celery_group.py [--items 10000] [--concurrency 2] [--runs 3]
        [--url amqp://guest:guest@127.0.0.1:5672//]
Starts its own Celery worker (prefork, --concurrency processes) on a private queue, runs one unmeasured group and
then --runs measured ones, prints one JSON line per run on stdout ({"run": k, "tasksPerSec": x}) and a summary line
with the median; stops the worker and deletes its queue.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

from celery import Celery, group

QUEUE = "celery-bench-" + os.environ.get("CELERY_BENCH_ID", uuid.uuid4().hex[:8])
app = Celery("celery_group", broker=os.environ.get("CELERY_BENCH_URL", "amqp://guest:guest@127.0.0.1:5672//"),
             backend="rpc://")
app.conf.task_default_queue = QUEUE
app.conf.worker_prefetch_multiplier = 4
app.conf.task_acks_late = True  # acknowledged after the task ran, as mqpool does
app.conf.broker_connection_retry_on_startup = True


@app.task(name="cube")
def cube(n):
    return n * n * n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", default=app.conf.broker_url)
    args = parser.parse_args()
    env = dict(os.environ, CELERY_BENCH_URL=args.url, CELERY_BENCH_ID=QUEUE.rsplit("-", 1)[1])
    here = os.path.dirname(os.path.abspath(__file__))
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "celery_group", "worker", "-P", "prefork",
                               "-c", str(args.concurrency), "-Q", QUEUE, "--loglevel", "WARNING", "--without-gossip",
                               "--without-mingle", "--without-heartbeat"], cwd=here, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if time.monotonic() > deadline or worker.poll() is not None:
                sys.exit("celery_group: the Celery worker did not start")
        group(cube.s(n) for n in range(1, 1_001))().get(timeout=300)  # warm-up
        rates = []
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            results = group(cube.s(n) for n in range(1, args.items + 1))().get(timeout=600)
            elapsed = time.perf_counter() - start
            assert results == [n * n * n for n in range(1, args.items + 1)]
            rates.append(args.items / elapsed)
            print(json.dumps({"run": run, "tasksPerSec": round(rates[-1])}), flush=True)
        print(json.dumps({"celery": "group", "items": args.items, "concurrency": args.concurrency,
                          "tasksPerSecMedian": round(statistics.median(rates))}), flush=True)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(QUEUE)


if __name__ == "__main__":
    main()
