#!/usr/bin/env python3
"""The compression limit: ttsarchive's zlib settings on the same bytes, in memory, on N cores.

usage: bench_compress.py DIR [PROCESSES]
Every file of DIR is read into memory first (not timed); the files are dealt to PROCESSES worker
processes balanced by size; each worker compresses its share as ttsarchive does (gzip wrapper,
level 6, memLevel 8; Z_RLE for audio/binary, the default strategy for JSON and SRT text) and the
wall time from the common start to the last worker's end is printed as
"<seconds> <bytes> <files> <compressed bytes>".
"""
import multiprocessing as mp
import os
import sys
import time
import zlib

TEXT_SUFFIXES = (".json", ".srt", ".txt")


def work(paths, start, results):
    blobs = []
    for path in paths:
        with open(path, "rb") as f:
            blobs.append((path.endswith(TEXT_SUFFIXES), f.read()))
    start.wait()
    out = 0
    for is_text, blob in blobs:
        strategy = zlib.Z_DEFAULT_STRATEGY if is_text else zlib.Z_RLE
        c = zlib.compressobj(6, zlib.DEFLATED, 31, 8, strategy)
        out += len(c.compress(blob)) + len(c.flush())
    results.put((time.monotonic(), out))


def main():
    folder = sys.argv[1]
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    paths = [os.path.join(folder, n) for n in os.listdir(folder)]
    paths.sort(key=os.path.getsize, reverse=True)
    shares, loads = [[] for _ in range(processes)], [0] * processes
    for path in paths:  # largest first onto the lightest share
        i = loads.index(min(loads))
        shares[i].append(path)
        loads[i] += os.path.getsize(path)
    start = mp.Barrier(processes + 1)
    results = mp.Queue()
    workers = [mp.Process(target=work, args=(s, start, results)) for s in shares]
    for w in workers:
        w.start()
    start.wait()
    t0 = time.monotonic()
    ends = [results.get() for _ in workers]
    for w in workers:
        w.join()
    elapsed = max(e for e, _ in ends) - t0
    print(f"{elapsed:.3f} {sum(loads)} {len(paths)} {sum(o for _, o in ends)}")


if __name__ == "__main__":
    main()
