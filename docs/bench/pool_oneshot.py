# Python's one-shot equivalent of `bin/mqpool map --workers 3 cube 1 2 3 4 5 6 7 8 9`: start a Pool of 3
# processes, map, print, exit. docs/bench/oneshot.sh times it beside mqpool.
from multiprocessing import Pool


def cube(x):
    return x * x * x


if __name__ == "__main__":
    with Pool(3) as pool:
        print(pool.map(cube, range(1, 10)))
