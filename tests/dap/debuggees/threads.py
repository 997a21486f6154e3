import json
import threading

results = {}


def worker(name):
    value = 1
    value = value + 0  # @worker
    results[name] = value


threads = [threading.Thread(target=worker, args=(f"w{i}",), name=f"worker-{i}") for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("REPORT " + json.dumps({"tag": "threads", **results}), flush=True)
