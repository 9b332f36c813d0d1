#!/usr/bin/env python3
"""Hand-run generator of the ManifoldLayoutTests fixtures (reference: umap-learn, the reference of record).

    /root/.venvs/micse-bench/bin/python Tests/ManifoldLayoutTests/Fixtures/make_umap_fixtures.py

Writes, next to this script:
  umap_fuzzy_blobs.json  seeded blobs (60 x 5, 3 centres, sklearn make_blobs random_state=0),
                         umap-learn's exact cosine kNN (n_neighbors=6, self in column 0), rho, sigma
                         (smooth_knn_dist) and the symmetric fuzzy graph (fuzzy_simplicial_set) as COO,
                         for local_connectivity 1.0 and 1.5 and set_op_mix_ratio 1.0 and 0.5;
                         plus the first two non-trivial eigenvectors of the normalised Laplacian
                         (umap-learn spectral_layout) of a connected fuzzy graph (120 x 5 blobs,
                         cluster_std 3, random_state 1, n_neighbors 15), with that graph as COO.
  umap_ab_params.json    find_ab_params for a few (spread, min_dist) pairs.
"""
import json
import os
import sys

import numpy as np
import sklearn
import umap
from sklearn.datasets import make_blobs
from umap.umap_ import find_ab_params, fuzzy_simplicial_set, nearest_neighbors, smooth_knn_dist
from umap.spectral import spectral_layout

HERE = os.path.dirname(os.path.abspath(__file__))


def fuzzy_case(x, knn_i, knn_d, k, local_connectivity, mix):
    sig, rho = smooth_knn_dist(knn_d, float(k), local_connectivity=float(local_connectivity))
    graph, _, _ = fuzzy_simplicial_set(x, k, random_state=np.random.RandomState(0), metric="cosine",
                                       knn_indices=knn_i, knn_dists=knn_d,
                                       local_connectivity=local_connectivity, set_op_mix_ratio=mix)
    coo = graph.tocoo()
    order = np.lexsort((coo.col, coo.row))
    return {
        "local_connectivity": local_connectivity,
        "set_op_mix_ratio": mix,
        "rho": rho.astype(float).tolist(),
        "sigma": sig.astype(float).tolist(),
        "rows": coo.row[order].tolist(),
        "cols": coo.col[order].tolist(),
        "values": coo.data[order].astype(float).tolist(),
    }, graph


def main():
    x, labels = make_blobs(n_samples=60, n_features=5, centers=3, random_state=0)
    x = x.astype(np.float32)
    k = 6
    knn_i, knn_d, _ = nearest_neighbors(x, k, "cosine", {}, False, np.random.RandomState(0))
    cases = []
    graph_default = None
    for lc, mix in [(1.0, 1.0), (1.5, 1.0), (1.0, 0.5)]:
        case, graph = fuzzy_case(x, knn_i, knn_d, k, lc, mix)
        cases.append(case)
        if lc == 1.0 and mix == 1.0:
            graph_default = graph
    # Spectral layout on a connected graph (blobs with overlapping clusters, n_neighbors=15).
    xs, _ = make_blobs(n_samples=120, n_features=5, centers=3, cluster_std=3.0, random_state=1)
    xs = xs.astype(np.float32)
    gs, _, _ = fuzzy_simplicial_set(xs, 15, np.random.RandomState(0), "cosine")
    from scipy.sparse.csgraph import connected_components
    assert connected_components(gs)[0] == 1, "spectral fixture graph must be connected"
    spectral = spectral_layout(xs, gs, 2, np.random.RandomState(0))
    gs = gs.tocoo()
    order = np.lexsort((gs.col, gs.row))
    out = {
        "generator": "make_umap_fixtures.py",
        "umap_learn": umap.__version__,
        "sklearn": sklearn.__version__,
        "n_neighbors": k,
        "data": x.astype(float).tolist(),
        "labels": labels.tolist(),
        "knn_indices": knn_i.tolist(),
        "knn_dists": knn_d.astype(float).tolist(),
        "cases": cases,
        "spectral_graph": {"n": int(xs.shape[0]), "rows": gs.row[order].tolist(), "cols": gs.col[order].tolist(),
                           "values": gs.data[order].astype(float).tolist()},
        "spectral": np.asarray(spectral).astype(float).tolist(),
    }
    with open(os.path.join(HERE, "umap_fuzzy_blobs.json"), "w") as f:
        json.dump(out, f)
    ab = []
    for spread, min_dist in [(1.0, 0.1), (1.0, 0.05), (1.0, 0.001), (2.0, 0.5), (1.0, 1.0)]:
        a, b = find_ab_params(spread, min_dist)
        ab.append({"spread": spread, "min_dist": min_dist, "a": float(a), "b": float(b)})
    with open(os.path.join(HERE, "umap_ab_params.json"), "w") as f:
        json.dump({"generator": "make_umap_fixtures.py", "umap_learn": umap.__version__, "cases": ab}, f, indent=1)
    print("wrote fixtures with umap-learn", umap.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
