# Python's multiprocessing.Pool(P).map(cube, range(1, N + 1)), no broker: what mqpool bench compares
# default chunking against. Usage: python3 pool_map.py N P RUNS; prints one items/s figure per run.
import sys
import time
from multiprocessing import Pool


def cube(x):
    return x * x * x


if __name__ == "__main__":
    n, processes, runs = (int(a) for a in sys.argv[1:4])
    with Pool(processes) as pool:
        pool.map(cube, range(1, 10_001))  # start the processes before timing
        for _ in range(runs):
            start = time.perf_counter()
            pool.map(cube, range(1, n + 1))
            print(round(n / (time.perf_counter() - start)), flush=True)
