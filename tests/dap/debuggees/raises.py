def handled():
    try:
        raise KeyError("caught")  # @raise_caught
    except KeyError:
        pass


def boom():
    raise ValueError("not caught")  # @raise_uncaught


handled()
print("after handled")
boom()
