"""A program with a known history: loops, in-place mutation, recursion, exceptions."""


def fact(n):
    if n <= 1:
        return 1  # @fact_base
    return n * fact(n - 1)


def collect():
    items = []  # @items_init
    for i in range(3):  # @for
        items.append(i * 10)  # @append
    total = sum(items)  # @total
    return items, total


def risky(x):
    try:
        raise ValueError(f"bad {x}")  # @raise
    except ValueError:
        x = -x  # @handled
    return x  # @risky_return


def main():
    items, total = collect()  # @call_collect
    f = fact(4)  # @call_fact
    r = risky(5)  # @call_risky
    done = True  # @done
    print("RESULT", total, f, r, done)


main()  # @module_main
