#!/usr/bin/env python3
"""Python's logging in the log suite: the reference report's baseline.

  python_bench.py throughput|async THREADS N PATH   ms for N messages, with the final flush

`throughput` uses a FileHandler; `async` a QueueHandler feeding a
QueueListener that writes to the FileHandler (the standard library's
asynchronous setup). Same message and pattern as the C++ programs.
"""
import logging
import logging.handlers
import queue
import sys
import threading
import time


def main():
    mode, threads, n, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s.%(msecs)03d %(levelname)s [%(thread)d] %(name)s %(filename)s:%(lineno)d: "
        "%(message)s", datefmt="%Y-%m-%d %H:%M:%S"))
    log = logging.getLogger("bench")
    log.setLevel(logging.INFO)
    log.propagate = False
    listener = None
    if mode == "async":
        q = queue.SimpleQueue()
        log.addHandler(logging.handlers.QueueHandler(q))
        listener = logging.handlers.QueueListener(q, handler)
        listener.start()
    else:
        log.addHandler(handler)

    def body(count):
        for i in range(count):
            log.info("message %d with value %s", i, i * 1.5)

    start = time.perf_counter()
    workers = [threading.Thread(target=body, args=(n // threads,)) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if listener:
        listener.stop()
    handler.flush()
    print(f"{(time.perf_counter() - start) * 1000:.3f}")


if __name__ == "__main__":
    main()
