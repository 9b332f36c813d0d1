import NeighborGraph

// UMAP options, one flat struct (umappp `Options.hpp` shape). Defaults follow umap-learn 0.5
// (`umap/umap_.py`, class UMAP); `nil` means "derive it" and the derivation is documented per field.

/// How the k-nearest-neighbour graph is searched when `UMAP` builds it itself.
public enum NeighborSearchMethod: String, Sendable, Equatable, CaseIterable {
    /// Exact cosine search (blocked GEMM).
    case exact
    /// Approximate search (NN-descent) when available.
    case approx
    /// Exact up to a size threshold, approximate above (NeighborGraph decides).
    case auto

    /// The NeighborGraph method this maps to.
    public var knnMethod: KNNMethod {
        switch self {
        case .exact: return .exact
        case .approx: return .approximate
        case .auto: return .auto
        }
    }
}

/// How the low-dimensional coordinates are initialised before the SGD.
public enum InitializationMethod: String, Sendable, Equatable, CaseIterable {
    /// Eigenvectors of the smallest non-trivial eigenvalues of the normalised graph Laplacian
    /// (umap-learn `spectral_layout`), falling back to `random` when the solver fails.
    case spectral
    /// Uniform in [−10, 10] per coordinate (umap-learn `init="random"`).
    case random
}

/// The parameters of a UMAP run (McInnes, Healy & Melville 2018, arXiv:1802.03426).
public struct UMAPConfiguration: Sendable, Equatable {
    /// Neighbourhood size *including the point itself*, as umap-learn's `n_neighbors` (default 15):
    /// the kNN graph holds `neighborCount − 1` other points per row and the smooth-kNN target is
    /// log2(`neighborCount`).
    public var neighborCount: Int = 15
    /// Output dimension (umap-learn `n_components`, default 2).
    public var componentCount: Int = 2
    /// Minimum distance between embedded points (default 0.1). Must not exceed `spread`.
    public var minDistance: Double = 0.1
    /// Scale of the embedded points (default 1.0).
    public var spread: Double = 1.0
    /// Curve parameters of 1/(1 + a·d^(2b)); `nil` = fitted from `minDistance` and `spread` (`CurveFit`).
    public var a: Double? = nil
    public var b: Double? = nil
    /// SGD epochs; `nil` = 500 when N ≤ 10,000 and 200 above (umap-learn `simplicial_set_embedding`).
    public var epochCount: Int? = nil
    /// Initial SGD learning rate α, decayed linearly to 0 (default 1.0).
    public var learningRate: Double = 1.0
    /// Weight γ of the repulsive term (umap-learn `repulsion_strength`, default 1.0).
    public var repulsionStrength: Double = 1.0
    /// Negative samples per positive sample (default 5).
    public var negativeSampleRate: Int = 5
    /// Number of nearest neighbours assumed connected (ρ); fractional values interpolate (default 1).
    public var localConnectivity: Double = 1.0
    /// Mix between fuzzy union (1) and fuzzy intersection (0) when symmetrising (default 1).
    public var setOpMixRatio: Double = 1.0
    /// Initialisation (default spectral).
    public var initialization: InitializationMethod = .spectral
    /// Neighbour search used when `UMAP.fit` builds the graph (default auto).
    public var neighborSearch: NeighborSearchMethod = .auto
    /// Master seed: stage seeds are derived from it (initialise and optimise streams apart, umappp).
    /// The layout is bit-identical for a given seed whatever the thread count.
    public var seed: UInt64 = 42
    /// Worker threads; `nil` = all cores. Does not change results.
    public var threadCount: Int? = nil
    /// Lay out identical rows once and copy the coordinates to every copy (default true).
    public var deduplicateRows: Bool = true
    /// Largest component solved by a dense LAPACK eigensolve; larger ones use Lanczos (default 2,000).
    public var denseSpectralLimit: Int = 2_000

    public init(neighborCount: Int = 15, componentCount: Int = 2, minDistance: Double = 0.1, spread: Double = 1.0,
                epochCount: Int? = nil, learningRate: Double = 1.0, repulsionStrength: Double = 1.0,
                negativeSampleRate: Int = 5, localConnectivity: Double = 1.0, setOpMixRatio: Double = 1.0,
                initialization: InitializationMethod = .spectral, neighborSearch: NeighborSearchMethod = .auto,
                seed: UInt64 = 42, threadCount: Int? = nil, deduplicateRows: Bool = true) {
        self.neighborCount = neighborCount
        self.componentCount = componentCount
        self.minDistance = minDistance
        self.spread = spread
        self.epochCount = epochCount
        self.learningRate = learningRate
        self.repulsionStrength = repulsionStrength
        self.negativeSampleRate = negativeSampleRate
        self.localConnectivity = localConnectivity
        self.setOpMixRatio = setOpMixRatio
        self.initialization = initialization
        self.neighborSearch = neighborSearch
        self.seed = seed
        self.threadCount = threadCount
        self.deduplicateRows = deduplicateRows
    }

    /// The epoch count used for `pointCount` points: `epochCount`, else 500 up to 10,000 points and 200 above.
    public func resolvedEpochCount(pointCount: Int) -> Int {
        epochCount ?? (pointCount <= 10_000 ? 500 : 200)
    }

    /// Checks every field; throws the first problem as a one-line `UMAPError.invalidConfiguration`.
    public func validate() throws {
        func fail(_ message: String) throws -> Never { throw UMAPError.invalidConfiguration(message) }
        if !(2...10_000).contains(neighborCount) { try fail("neighbor count must be 2…10,000 (got \(neighborCount))") }
        if !(1...1000).contains(componentCount) { try fail("output dimension must be 1…1000 (got \(componentCount))") }
        if !(spread > 0) || !spread.isFinite { try fail("spread must be positive (got \(spread))") }
        if !(minDistance >= 0) || !minDistance.isFinite { try fail("min-dist must be non-negative (got \(minDistance))") }
        if minDistance > spread { try fail("min-dist (\(minDistance)) must not exceed spread (\(spread))") }
        if let epochCount, !(1...1_000_000).contains(epochCount) { try fail("epochs must be 1…1,000,000 (got \(epochCount))") }
        if !(learningRate > 0) || !learningRate.isFinite { try fail("learning rate must be positive (got \(learningRate))") }
        if !(repulsionStrength >= 0) || !repulsionStrength.isFinite { try fail("repulsion strength must be non-negative (got \(repulsionStrength))") }
        if !(0...1000).contains(negativeSampleRate) { try fail("negative sample rate must be 0…1000 (got \(negativeSampleRate))") }
        if !(localConnectivity >= 0) || !localConnectivity.isFinite { try fail("local connectivity must be non-negative (got \(localConnectivity))") }
        if !(setOpMixRatio >= 0 && setOpMixRatio <= 1) { try fail("set-op mix ratio must lie in [0, 1] (got \(setOpMixRatio))") }
        if let a, !(a > 0) { try fail("a must be positive (got \(a))") }
        if let b, !(b > 0) { try fail("b must be positive (got \(b))") }
        if (a == nil) != (b == nil) { try fail("give both a and b, or neither") }
    }
}
