import sys

COUNTER = 0


def add(a, b):
    total = a + b  # @add
    return total


def main(n):
    global COUNTER
    items = []
    for i in range(n):
        COUNTER += 1
        items.append(add(i, i))  # @loop
    print("items", items)
    return items


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print("done", COUNTER)  # @done
