"""Writes the three request bodies of kserve_rest_binary.sh for one [1,224,224,3] fp32 input:
TF Serving REST JSON, KServe v2 JSON, and KServe v2 JSON header + binary tensor (binary output
asked for). Prints the KServe binary body's JSON header length.

Usage: python3 make_bodies.py OUTDIR
"""
import json
import os
import struct
import sys


def main(out):
    values = [((i // 3 + i % 3) % 8) * 0.25 - 1.0 for i in range(224 * 224 * 3)]
    nested = [[[values[(h * 224 + w) * 3 + c] for c in range(3)] for w in range(224)]
              for h in range(224)]
    with open(os.path.join(out, "tfs.json"), "w") as f:
        json.dump({"instances": [nested]}, f)
    with open(os.path.join(out, "kserve.json"), "w") as f:
        json.dump({"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 224, 224, 3],
                               "data": values}]}, f)
    header = json.dumps({
        "inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 224, 224, 3],
                    "parameters": {"binary_data_size": len(values) * 4}}],
        "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    with open(os.path.join(out, "kserve.bin"), "wb") as f:
        f.write(header)
        f.write(struct.pack("<%df" % len(values), *values))
    print(len(header))


if __name__ == "__main__":
    main(sys.argv[1])
