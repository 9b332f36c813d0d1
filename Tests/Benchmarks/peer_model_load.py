#!/usr/bin/env python3
"""Python peer for model loading: time safetensors.torch.load_file / torch.load(mmap, weights_only) and
BertModel.from_pretrained. Usage: peer_model_load.py <model-dir> [repetitions]"""
import os
import statistics
import sys
import time
from pathlib import Path

import torch

d = Path(sys.argv[1])
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(1)


def timeit(label, fn):
    times, cpu = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"python {label}: median {statistics.median(times):.3f} s, min {min(times):.3f} s over {reps} runs"
          f" (cpu median {statistics.median(cpu):.3f} s)")
    return statistics.median(times)


if (d / "model.safetensors").exists():
    from safetensors.torch import load_file
    # load_file returns tensors backed by the memory map (no copy): less work than ours, shown for reference.
    timeit("safetensors.torch.load_file", lambda: load_file(d / "model.safetensors"))
else:
    timeit("torch.load(weights_only=True) + materialise", lambda: [t.clone() for t in torch.load(
        d / "pytorch_model.bin", weights_only=True, mmap=True, map_location="cpu").values()])
from transformers import BertModel
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import transformers
transformers.logging.set_verbosity_error()
# from_pretrained copies every tensor into the model's parameters: the same work as our loader, plus model setup.
timeit("BertModel.from_pretrained", lambda: BertModel.from_pretrained(d, add_pooling_layer=False))
