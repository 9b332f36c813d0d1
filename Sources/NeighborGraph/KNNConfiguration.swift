/// How the cosine kNN graph is searched.
public enum KNNMethod: String, Sendable, CaseIterable, Equatable {
    /// Every pair, by blocked GEMM of the L2-normalised rows (`ExactCosineSearch`). O(N²·D).
    case exact
    /// NN-descent from a random-projection forest (`NNDescent`). About O(N·k²·D·iterations).
    case approximate
    /// `exact` below `KNNConfiguration.exactSearchLimit` points, `approximate` from there on.
    case auto
}

/// Options of the kNN stage. Defaults match umap-learn's (`n_neighbors = 15`, cosine metric).
public struct KNNConfiguration: Sendable, Equatable {
    /// Neighbours per point, the point itself not counted (umap-learn's `n_neighbors − 1` + self:
    /// umap-learn lists the point itself first; `KNNGraph` never does). Clamped to N − 1.
    public var neighborCount: Int
    /// Exact, approximate, or chosen by point count (`auto`).
    public var method: KNNMethod
    /// Seed of the NN-descent random streams (trees, sampling). The exact search uses no randomness.
    public var seed: UInt64
    /// Worker threads; `nil` means all cores. Results do not depend on the thread count.
    public var threads: Int?
    /// Tuning of the approximate search.
    public var nnDescent: NNDescentParameters

    /// With `.auto`, point counts below this use the exact search. Measured in CPU seconds (2 threads,
    /// Zen 4 / AVX-512 with OPENBLAS_CORETYPE=SkylakeX, k = 15) on MiniLM embeddings of 12,284 tweets:
    /// exact 0.66 s, NN-descent 1.03 s (recall 0.975), i.e. exact ≈ 4.4 ns·N² and NN-descent
    /// ≈ 85 µs·N, which cross at N ≈ 19,000 (at 45,000 synthetic points: exact 7.7 s, NN-descent 6.1 s).
    /// Below the crossing the exact search is both faster and perfect. `micse-cluster bench knn --scaling`
    /// remeasures it.
    public static let exactSearchLimit = 20_000

    public init(neighborCount: Int = 15, method: KNNMethod = .auto, seed: UInt64 = 42, threads: Int? = nil,
                nnDescent: NNDescentParameters = NNDescentParameters()) {
        self.neighborCount = neighborCount
        self.method = method
        self.seed = seed
        self.threads = threads
        self.nnDescent = nnDescent
    }
}

/// Tuning of NN-descent (Dong, Charikar & Li 2011) with random-projection-forest initialisation
/// (pynndescent's defaults unless said otherwise). `nil` means "derive from N and k".
public struct NNDescentParameters: Sendable, Equatable {
    /// Random-projection trees for the initial graph. Default max(8, min(12, round(4·log₁₀ N))):
    /// 12 from N ≈ 1,000 on, up to 1.5× pynndescent 0.7's max(3, min(12, round(2·log₁₀ N))). The
    /// leaf joins are the largest single cost of NN-descent; on MiniLM CLS tweet embeddings
    /// (N = 12,284) 16 trees gave recall@15 0.979, 8 trees 0.974 for ~12% less CPU time, but on
    /// structureless data (uniform, 16-D, N = 2,000) 8 trees stop at 0.958 and 12 reach 0.973.
    public var treeCount: Int?
    /// Largest leaf of a tree; every pair inside a leaf is a candidate. Default max(60, min(256, 5k))
    /// (pynndescent 0.7's NN-descent initialisation forest).
    public var leafSize: Int?
    /// Most iterations. Default max(5, round(log₂ N)) (pynndescent).
    public var maxIterations: Int?
    /// Candidates sampled per point and iteration, new and old each (the paper's ρ·k).
    /// Default max(k, 20): a bit above pynndescent's min(60, k) (+0.009 recall@15 at k = 15).
    public var maxCandidates: Int?
    /// Stop when an iteration changes fewer than `delta · N · k` neighbour entries (paper's δ).
    public var delta: Double

    public init(treeCount: Int? = nil, leafSize: Int? = nil, maxIterations: Int? = nil,
                maxCandidates: Int? = nil, delta: Double = 0.001) {
        self.treeCount = treeCount
        self.leafSize = leafSize
        self.maxIterations = maxIterations
        self.maxCandidates = maxCandidates
        self.delta = delta
    }
}
