#!/usr/bin/env python3
"""Writes a randomly initialised bert-base-uncased-sized BertModel (110 M parameters, 440 MB in fp32) for the
model-loading benchmark: <out>/safetensors/model.safetensors and <out>/bin/pytorch_model.bin (torch.save zip), each
with config.json and vocab.txt. Usage: make_bert_base_random.py <out-dir>"""
import shutil
import sys
from pathlib import Path

import torch
from transformers import BertConfig, BertModel

out = Path(sys.argv[1])
torch.manual_seed(0)
model = BertModel(BertConfig(), add_pooling_layer=False).eval()
vocab = Path("/root/.cache/micse-cluster/models/all-MiniLM-L6-v2/vocab.txt")
for kind in ("safetensors", "bin"):
    d = out / kind
    d.mkdir(parents=True, exist_ok=True)
    model.config.to_json_file(d / "config.json")
    shutil.copy(vocab, d / "vocab.txt")
    if kind == "safetensors":
        model.save_pretrained(d, safe_serialization=True)
    else:
        torch.save(model.state_dict(), d / "pytorch_model.bin")
print(f"wrote {out}")
