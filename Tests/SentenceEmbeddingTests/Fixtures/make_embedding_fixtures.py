"""Reference sentence vectors for the encoder parity tests (EncoderParityTests.swift).

Hand-run, never called by the tool or the tests:

    HF_HUB_OFFLINE=1 /root/.venvs/micse-bench/bin/python Tests/SentenceEmbeddingTests/Fixtures/make_embedding_fixtures.py

Reference: transformers AutoModel (BertModel), fp32, eager attention, torch.inference_mode, in batches of 16 texts in
input order (so each batch pads to mixed lengths and the padding mask matters). Pooling as bench_embed.py:
cls = last_hidden_state[:, 0]; mean = attention-mask-weighted mean over all tokens, [CLS]/[SEP] included. Not normalised.

Texts: 94 real tweets (rows 1-94 of ../shared/data/tweet_eval_sentiment_test.csv), an empty string (embeds as
[CLS][SEP], as HF does) and one long text (longer than max_length: truncated).

Writes to Fixtures/embedding-reference/:
  texts.json                      {"texts": [...], "source": ..., "versions": {...}}
  <model>_ids.json                the ids the HF tokenizer produced (truncation=True, max_length), for a model-only check
  <model>_cls.npy, <model>_mean.npy   (N, H) float32, input order
for <model> = minilm (the bundled all-MiniLM-L6-v2, max_length 128) and tiny (Fixtures/tiny-bert-safetensors, whose
weights tiny-bert-bin holds too, max_length 64 = its max_position_embeddings). The script checks that the .bin and
.safetensors tiny models give the same vectors.
"""
import csv
import json
import os
import pathlib
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModel, AutoTokenizer  # noqa: E402

torch.set_num_threads(2)
here = pathlib.Path(__file__).resolve().parent
repo = here.parents[2]
data = repo.parent / "shared" / "data" / "tweet_eval_sentiment_test.csv"
out = here / "embedding-reference"
out.mkdir(exist_ok=True)

with open(data, newline="", encoding="utf-8") as f:
    rows = [r["text"] for r in csv.DictReader(f)]
texts = rows[:94] + ["", " ".join(rows[94:110])]   # the last one is ~300 tokens long

models = {
    "minilm": (pathlib.Path(os.environ.get("MICSE_HOME", pathlib.Path.home() / ".cache" / "micse-cluster")) / "models" / "all-MiniLM-L6-v2", 128),
    "tiny": (here / "tiny-bert-safetensors", 64),
}


def embed(model_dir, max_length):
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    ids, cls, mean = [], [], []
    with torch.inference_mode():
        for s in range(0, len(texts), 16):
            enc = tok(texts[s:s + 16], truncation=True, max_length=max_length, padding=True, return_tensors="pt")
            h = model(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
            cls.append(h[:, 0].numpy())
            mean.append(((h * m).sum(1) / m.sum(1).clamp(min=1e-9)).numpy())
            for row, mask in zip(enc["input_ids"].tolist(), enc["attention_mask"].tolist()):
                ids.append(row[:sum(mask)])
    return ids, np.concatenate(cls).astype(np.float32), np.concatenate(mean).astype(np.float32)


for name, (model_dir, max_length) in models.items():
    ids, cls, mean = embed(model_dir, max_length)
    with open(out / f"{name}_ids.json", "w") as f:
        json.dump({"max_length": max_length, "ids": ids}, f, separators=(",", ":"))
    np.save(out / f"{name}_cls.npy", cls)
    np.save(out / f"{name}_mean.npy", mean)
    print(f"{name}: {cls.shape}, lengths {min(map(len, ids))}..{max(map(len, ids))}", file=sys.stderr)
    if name == "tiny":
        _, cls_bin, mean_bin = embed(here / "tiny-bert-bin", max_length)
        assert np.array_equal(cls, cls_bin) and np.array_equal(mean, mean_bin), "tiny-bert-bin differs from safetensors"

with open(out / "texts.json", "w", encoding="utf-8") as f:
    json.dump({"source": "rows 1-94 of tweet_eval_sentiment_test.csv, an empty text, rows 95-110 joined",
               "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
               "texts": texts}, f, ensure_ascii=False, indent=0)
