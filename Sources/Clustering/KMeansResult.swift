// What a k-means fit returns: the kept restart's partition and centres, plus per-iteration
// statistics (faiss `ClusteringIterationStats`) so callers can inspect convergence without the
// kernels printing anything.
import LinearAlgebra

/// Statistics of one Lloyd iteration of one restart.
public struct KMeansIterationStats: Sendable, Equatable, Codable {
    /// Restart index (0-based).
    public var restart: Int
    /// Iteration index within the restart (0-based).
    public var iteration: Int
    /// Σᵢ ‖xᵢ − c_{label(i)}‖² after this iteration's assignment step (centres of the previous
    /// M-step), from the GEMM distances; nil for Hamerly iterations after the first, whose bounds
    /// skip most distances.
    public var inertia: Double?
    /// Σⱼ ‖cⱼ(new) − cⱼ(old)‖² of this iteration's update step.
    public var centerShift: Double
    /// Points whose label changed in this iteration's assignment.
    public var changedLabels: Int
    /// Point–centre distances computed in this iteration's assignment (n · k for `lloyd`).
    public var distanceComputations: Int
    /// Clusters found empty and relocated to far points in this iteration.
    public var relocatedClusters: Int
}

/// The result of `KMeans.fit`.
public struct KMeansResult: Sendable {
    /// Cluster of each point, in 0..<k (length n).
    public var labels: [Int32]
    /// Cluster centres, (k, d) row-major.
    public var centers: Matrix
    /// Σᵢ ‖xᵢ − c_{label(i)}‖² of the final labels and centres, accumulated in Double.
    public var inertia: Double
    /// Lloyd iterations of the kept restart (sklearn `n_iter_`).
    public var iterations: Int
    /// True when the kept restart stopped because no label changed (sklearn "strict convergence").
    public var strictlyConverged: Bool
    /// True when the kept restart stopped on the tolerance or on unchanged labels, not on `maxIterations`.
    public var converged: Bool
    /// Index of the kept restart.
    public var bestRestart: Int
    /// Final inertia of every restart, in restart order (for a pruned restart, where it stopped).
    public var restartInertias: [Double]
    /// Restarts stopped by the pruning (`KMeansConfiguration.pruning`), in order; never the kept one.
    public var prunedRestarts: [Int] = []
    /// Every iteration of every restart, in order.
    public var iterationStats: [KMeansIterationStats]
    /// Recoverable conditions worth telling the user (fewer distinct points than k, …).
    public var notices: [String]
    /// Wall-clock seconds of the whole fit.
    public var seconds: Double
    /// Wall-clock seconds spent in k-means++ seeding (all restarts), part of `seconds`.
    public var seedingSeconds: Double = 0

    /// Number of points in each cluster (length k).
    public var clusterSizes: [Int] {
        var sizes = [Int](repeating: 0, count: centers.rows)
        for label in labels { sizes[Int(label)] += 1 }
        return sizes
    }
}
