"""Reference values for Tests/ClusteringTests, from scikit-learn. Hand-run, outputs committed.

    HF_HUB_OFFLINE=1 /root/.venvs/micse-bench/bin/python Tests/ClusteringTests/Fixtures/make_kmeans_fixtures.py \
        --embeddings bench-out/embeddings_mean.npy

--embeddings is the (12284, 384) float32 mean-pooled all-MiniLM-L6-v2 embeddings of
../shared/data/tweet_eval_sentiment_test.csv in input order, as written by
../shared/bench/bench_embed.py --pooling mean (embeddings_mean.npy; not normalised).

Writes next to this script:
  kmeans_reference.json   doctest data, blobs (points + sklearn partition), metric partitions with
                          sklearn ARI / NMI (arithmetic) / silhouette, small real-data inertias,
                          and sklearn inertias on all 12,284 tweets (for `micse-cluster bench kmeans`)
  minilm_tweets_1000.npy  float32 (1000, 384): the first 1,000 rows of --embeddings
"""
import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score

here = Path(__file__).resolve().parent
ap = argparse.ArgumentParser()
ap.add_argument("--embeddings", required=True)
a = ap.parse_args()

out = {"generator": "make_kmeans_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__}

# 1. sklearn KMeans doctest.
X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]], dtype=np.float64)
km = KMeans(n_clusters=2, random_state=0, n_init="auto").fit(X)
out["doctest"] = {"points": X.tolist(), "k": 2, "centers": km.cluster_centers_.tolist(),
                  "inertia": float(km.inertia_), "labels": km.labels_.tolist()}

# 2. Well-separated blobs: the exact partition is expected (up to a permutation).
B, _ = make_blobs(n_samples=600, centers=5, n_features=8, cluster_std=0.6, center_box=(-20, 20), random_state=3)
B = B.astype(np.float32)
km = KMeans(n_clusters=5, n_init=10, random_state=0).fit(B.astype(np.float64))
out["blobs"] = {"points": B.astype(np.float64).tolist(), "k": 5, "labels": km.labels_.tolist(),
                "inertia": float(km.inertia_)}

# 3. Metrics on fixed partitions (incl. degenerate ones). sklearn raises for the silhouette of a
#    single cluster or of n clusters: recorded as null.
rng = np.random.default_rng(7)
n = 150
P = rng.normal(size=(n, 5)).astype(np.float32)
P[:50] += 3
P[50:100, 0] -= 3
truth = np.repeat([0, 1, 2], 50)
partitions = {
    "truth": truth,
    "permuted_truth": (truth + 1) % 3,
    "random4": rng.integers(0, 4, size=n),
    "noisy_truth": np.where(rng.random(n) < 0.2, rng.integers(0, 3, size=n), truth),
    "split6": truth * 2 + (np.arange(n) % 2),
    "one_cluster": np.zeros(n, dtype=int),
    "singletons": np.arange(n),
    "two_and_rest": np.where(np.arange(n) < 2, 1, 0),
}
metric_cases = []
for name, labels in partitions.items():
    k = len(np.unique(labels))
    sil = float(silhouette_score(P.astype(np.float64), labels)) if 2 <= k <= n - 1 else None
    metric_cases.append({"name": name, "labels": [int(v) for v in labels],
                         "ari": float(adjusted_rand_score(truth, labels)),
                         "nmi": float(normalized_mutual_info_score(truth, labels)),
                         "ari_vs_one": float(adjusted_rand_score(np.zeros(n, dtype=int), labels)),
                         "nmi_vs_one": float(normalized_mutual_info_score(np.zeros(n, dtype=int), labels)),
                         "silhouette": sil})
out["metrics"] = {"points": P.astype(np.float64).tolist(), "truth": truth.tolist(), "cases": metric_cases}

# 4. Real data: MiniLM embeddings of the tweets. Small committed fixture + full-corpus inertias.
E = np.load(a.embeddings).astype(np.float32)
small = np.ascontiguousarray(E[:1000])
np.save(here / "minilm_tweets_1000.npy", small)


def spaces(M):
    return {"raw": M, "normalized": M / np.linalg.norm(M, axis=1, keepdims=True)}


def inertias(M, ks):
    res = {}
    for space, Y in spaces(M).items():
        for k in ks:
            km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(Y)
            res[f"{space}_k{k}"] = {"inertia": float(km.inertia_), "n_iter": int(km.n_iter_)}
            print(space, k, km.inertia_, flush=True)
    return res


out["tweets_1000"] = {"file": "minilm_tweets_1000.npy", "shape": list(small.shape), **inertias(small, [3, 20])}
out["tweets_full"] = {"source": "bench_embed.py --pooling mean on tweet_eval_sentiment_test.csv", "shape": list(E.shape),
                      **inertias(E, [3, 20])}

(here / "kmeans_reference.json").write_text(json.dumps(out, indent=1) + "\n")
print("wrote", here / "kmeans_reference.json")
