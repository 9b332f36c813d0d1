import LinearAlgebra
import MicseSupport

/// The front end of the kNN stage: validates the input, resolves the neighbour count and the method,
/// then calls `ExactCosineSearch` or `NNDescent` (scikit-learn's validate-then-core split).
public enum NearestNeighbors {
    /// What `build` will do for a given input size: the pipeline logs it, and warns when
    /// `neighborCountWasClamped`.
    public struct Plan: Sendable, Equatable {
        /// k actually used: min(requested, N − 1).
        public let neighborCount: Int
        /// The requested k, before clamping.
        public let requestedNeighborCount: Int
        /// `.exact` or `.approximate`, never `.auto`.
        public let method: KNNMethod
        /// True when the requested k was ≥ N and was lowered to N − 1.
        public var neighborCountWasClamped: Bool { neighborCount < requestedNeighborCount }
    }

    /// Resolves k and the method for `pointCount` points. `.auto` picks `.exact` below
    /// `KNNConfiguration.exactSearchLimit` points.
    ///
    /// - Throws: `NeighborGraphError.tooFewPoints` when N < 2, `.invalidNeighborCount` when k < 1.
    public static func plan(pointCount: Int, configuration: KNNConfiguration) throws -> Plan {
        guard pointCount >= 2 else { throw NeighborGraphError.tooFewPoints(count: pointCount) }
        guard configuration.neighborCount >= 1 else {
            throw NeighborGraphError.invalidNeighborCount(configuration.neighborCount)
        }
        let k = min(configuration.neighborCount, pointCount - 1)
        let method: KNNMethod
        switch configuration.method {
        case .exact, .approximate: method = configuration.method
        case .auto: method = pointCount < KNNConfiguration.exactSearchLimit ? .exact : .approximate
        }
        return Plan(neighborCount: k, requestedNeighborCount: configuration.neighborCount, method: method)
    }

    /// The cosine kNN graph of the rows of `data`.
    ///
    /// Identical and near-identical rows are fine: they get distance 0 (clamped) and appear in each
    /// other's lists, ties ordered by index; no row lists itself. A zero row has similarity 0 with
    /// every row (distance 1). A graph with `neighborCount` below the configured one means k was
    /// clamped to N − 1 (see `plan`).
    ///
    /// - Parameter data: (N, D) row-major embeddings, not necessarily normalised.
    /// - Throws: `NeighborGraphError` for N < 2, D = 0, k < 1, or a NaN/infinite value (naming the
    ///   1-based row).
    /// - Parameter progress: receives ("knn", done, total) as the search advances (tile pairs, or NN-descent rounds).
    public static func build(_ data: Matrix, configuration: KNNConfiguration = KNNConfiguration(),
                             progress: any ProgressReporter = SilentProgress()) throws -> KNNGraph {
        let plan = try plan(pointCount: data.rows, configuration: configuration)
        try validate(data)
        let graph: KNNGraph
        switch plan.method {
        case .exact, .auto:
            graph = ExactCosineSearch.graph(data, neighborCount: plan.neighborCount, threads: configuration.threads, progress: progress)
        case .approximate:
            graph = NNDescent.graph(data, neighborCount: plan.neighborCount, seed: configuration.seed,
                                    threads: configuration.threads, parameters: configuration.nnDescent, progress: progress)
        }
        graph.checkInvariants()
        return graph
    }

    /// Checks that every value is finite and that the vectors have at least one component.
    public static func validate(_ data: Matrix) throws {
        guard data.columns > 0 else { throw NeighborGraphError.emptyVectors }
        if let row = data.firstNonFiniteRow() {
            let column = (0..<data.columns).first { !data[row, $0].isFinite } ?? 0
            throw NeighborGraphError.nonFiniteValue(row: row + 1, column: column + 1)
        }
    }
}
