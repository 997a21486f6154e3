import json


def hook(d):
    raise KeyError("from a callback")  # @user_raise


try:
    json.loads('{"a": 1}', object_hook=hook)
except KeyError:
    print("caught in user code")
print("end")  # @end
