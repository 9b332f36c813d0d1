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

    /// With `.auto`, point counts below this use the exact search. Measured on 2 cores (Zen 4),
    /// 384-D MiniLM embeddings: the symmetric blocked GEMM costs ≈ 2.3 ns·N²·D/384 and NN-descent
    /// ≈ 25 µs·N, so they cross near 20,000 points (see `Tests/Benchmarks/compare_knn.sh`).
    /// Exact is preferred up to there because it has recall 1.
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
    /// Random-projection trees for the initial graph. Default min(32, 5 + round(√N / 20)) (pynndescent).
    public var treeCount: Int?
    /// Largest leaf of a tree; every pair inside a leaf is a candidate. Default max(10, k) (pynndescent).
    public var leafSize: Int?
    /// Most iterations. Default max(5, round(log₂ N)) (pynndescent).
    public var maxIterations: Int?
    /// Candidates sampled per point and iteration, new and old each (the paper's ρ·k).
    /// Default max(k, 20): a bit above pynndescent's min(60, k) to reach recall ≥ 0.97 at k = 15.
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
