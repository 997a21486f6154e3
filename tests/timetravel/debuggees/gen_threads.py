"""Generators and threads: each thread has its own history."""
import threading


def countdown(n):
    while n > 0:
        yield n  # @yield
        n -= 1


def worker(name, out):
    acc = []
    for value in countdown(3):
        acc.append(value)  # @worker_append
    out[name] = acc  # @worker_store


def main():
    out = {}
    t = threading.Thread(target=worker, args=("w", out), name="worker-thread")
    t.start()
    t.join()
    mine = list(countdown(2))  # @main_gen
    print("RESULT", out, mine)  # @main_done


main()
