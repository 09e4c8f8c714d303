"""Command-line and timing conventions shared by the bench peers: --threads T sets torch's intra-op threads, the
result is one JSON line printed last on stdout ({"seconds": s, ...})."""
import argparse
import json
import statistics
import time

import torch


def parse(**extra):
    """Parses --threads and the given --key defaults (their types follow the defaults); sets torch's threads."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=1)
    for key, default in extra.items():
        parser.add_argument(f'--{key}', type=type(default), default=default)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    return args


def median_seconds(fn, warmup_seconds=0.3, min_runs=3, budget_seconds=3.0):
    """Median seconds of fn() after a time-based warm-up, like bench/measure.ts medianSeconds."""
    start = time.perf_counter()
    while True:
        fn()
        if time.perf_counter() - start >= warmup_seconds:
            break
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < budget_seconds and len(times) < 50):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def report(seconds, **values):
    print(json.dumps({'seconds': seconds, **values}))
