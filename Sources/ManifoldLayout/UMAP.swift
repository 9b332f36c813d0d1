import Foundation
import LinearAlgebra
import MicseSupport
import NeighborGraph

/// Seconds spent in each stage of a UMAP fit.
public struct UMAPTimings: Sendable, Equatable {
    public var deduplicate = 0.0
    public var knn = 0.0
    public var graph = 0.0
    public var initialize = 0.0
    public var layout = 0.0
    public var total: Double { deduplicate + knn + graph + initialize + layout }
    /// Process CPU seconds (all threads) per stage, for benchmarks on a loaded machine.
    public var cpuKNN = 0.0, cpuGraph = 0.0, cpuInitialize = 0.0, cpuLayout = 0.0
    public init() {}
}

/// Process CPU time (all threads), via clock_gettime(CLOCK_PROCESS_CPUTIME_ID).
struct CPUClock {
    private let start = CPUClock.now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    var seconds: Double { CPUClock.now() - start }
}

/// Everything a UMAP fit produces.
public struct UMAPResult: Sendable {
    /// (N, componentCount) coordinates, one row per input row (duplicates share coordinates).
    public var coordinates: Matrix
    public var timings = UMAPTimings()
    /// Connected components of the fuzzy graph (after pruning).
    public var componentCount = 1
    /// The initialisation actually used (`.random` after a spectral fallback).
    public var initialization: InitializationMethod = .spectral
    /// Spectral details (nil when random initialisation was requested).
    public var spectralStatus: SpectralSolveStatus?
    /// Whether every spectral eigensolve converged.
    public var spectralConverged = false
    /// Input rows that repeat an earlier row (laid out once, coordinates copied).
    public var duplicateCount = 0
    /// Points actually laid out.
    public var uniqueCount = 0
    /// Non-self neighbours per point in the graph used.
    public var graphNeighborCount = 0
    /// Directed edges of the pruned fuzzy graph.
    public var edgeCount = 0
    public var a = 0.0
    public var b = 0.0
    public var epochCount = 0
    /// One-line notices (clamps, fallbacks, duplicates), also sent to the progress reporter.
    public var notices: [String] = []
}

/// UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426) with umap-learn's defaults and update rules.
///
/// Orchestration only (umappp `initialize()`): validate → deduplicate → kNN → fuzzy simplicial set
/// → prune → (a, b) → initialise → SGD → copy coordinates to duplicates. Each step lives in its own file.
public struct UMAP: Sendable {
    public let configuration: UMAPConfiguration

    public init(configuration: UMAPConfiguration = UMAPConfiguration()) {
        self.configuration = configuration
    }

    /// Lays out `data` (N, D) rows. When `graph` is nil, identical rows are merged (if
    /// `deduplicateRows`) and the neighbours of the distinct rows are found by
    /// `NeighborGraph.NearestNeighbors.build` with `neighborSearch` (exact below 20,000 points with
    /// `.auto`, NN-descent above). A given `graph` must describe `data`'s rows, nearest first, at
    /// least `neighborCount − 1` per row (extra columns are dropped); no deduplication is then done
    /// (zero distances are handled by the fuzzy set).
    ///
    /// - Throws: `UMAPError` for bad configuration or input (fewer than 3 rows, NaN/Inf rows, D = 0).
    public func fit(_ data: Matrix, graph: KNNGraph? = nil, progress: ProgressReporter = SilentProgress()) throws -> UMAPResult {
        if let graph {
            return try fit(data, deduplicate: false, progress: progress) { rows, _ in
                guard graph.pointCount == rows.rows else {
                    throw UMAPError.graphMismatch("graph has \(graph.pointCount) points, data has \(rows.rows) rows")
                }
                return graph
            }
        }
        let configuration = self.configuration
        return try fit(data, progress: progress) { rows, k in
            try NearestNeighbors.build(rows, configuration: KNNConfiguration(
                neighborCount: k, method: configuration.neighborSearch.knnMethod,
                seed: SplitMix64.derived(from: configuration.seed, stream: 4).state, threads: configuration.threadCount),
                progress: progress)
        }
    }

    /// Lays out `data` (N, D), asking `neighbors(rows, k)` for the k non-self nearest neighbours of
    /// the distinct rows (so the pipeline can plug in its own search).
    public func fit(_ data: Matrix, progress: ProgressReporter = SilentProgress(),
                    neighbors: (Matrix, Int) throws -> KNNGraph) throws -> UMAPResult {
        try fit(data, deduplicate: configuration.deduplicateRows, progress: progress, neighbors: neighbors)
    }

    private func fit(_ data: Matrix, deduplicate: Bool, progress: ProgressReporter,
                     neighbors: (Matrix, Int) throws -> KNNGraph) throws -> UMAPResult {
        let config = configuration
        try config.validate()
        guard data.columns > 0 else { throw UMAPError.emptyDimension }
        guard data.rows >= 3 else { throw UMAPError.tooFewPoints(count: data.rows) }
        if let row = data.firstNonFiniteRow() { throw UMAPError.nonFiniteRow(row: row + 1) }
        let dimension = config.componentCount
        let threads = resolvedThreadCount(config.threadCount)
        var result = UMAPResult(coordinates: Matrix(rows: data.rows, columns: dimension))
        func notice(_ message: String) { result.notices.append(message); progress.notice(message) }

        // 1. Identical rows are laid out once.
        var clock = Stopwatch()
        let found = deduplicate ? DuplicateRows.find(data) : nil
        let duplicates = found.flatMap { $0.duplicateCount > 0 ? $0 : nil }
        let unique = duplicates?.unique ?? data
        if let duplicates {
            result.duplicateCount = duplicates.duplicateCount
            let count = duplicates.duplicateCount
            notice("\(count.formatted()) duplicate row\(count == 1 ? "" : "s") laid out once (\(unique.rows.formatted()) distinct rows)")
        }
        result.uniqueCount = unique.rows
        result.timings.deduplicate = clock.seconds
        let epochCount = config.resolvedEpochCount(pointCount: data.rows)
        result.epochCount = epochCount
        let (a, b) = config.a.flatMap { a in config.b.map { (a, $0) } }
            ?? CurveFit.fitAB(minDistance: config.minDistance, spread: config.spread)
        result.a = a; result.b = b

        guard unique.rows >= 3 else {
            // One or two distinct rows: nothing to optimise; place them apart on the first axis.
            notice("only \(unique.rows) distinct row(s): UMAP skipped, copies placed at fixed points")
            var coordinates = Matrix(rows: data.rows, columns: dimension)
            for i in 0..<data.rows {
                let r = duplicates.map { Int($0.representative[i]) } ?? i
                coordinates[i, 0] = unique.rows == 1 ? 0 : (r == 0 ? -5 : 5)
            }
            result.coordinates = coordinates
            result.initialization = .random
            return result
        }

        // 2. k nearest neighbours (k excludes the point itself; n_neighbors counts it).
        clock = Stopwatch()
        var cpu = CPUClock()
        var k = config.neighborCount - 1
        if k > unique.rows - 1 {
            notice("n_neighbors \(config.neighborCount) clamped to \(unique.rows) (only \(unique.rows) distinct points)")
            k = unique.rows - 1
        }
        var knn = try neighbors(unique, k)
        guard knn.pointCount == unique.rows, knn.neighborCount >= 1 else {
            throw UMAPError.graphMismatch("graph is \(knn.pointCount)×\(knn.neighborCount) for \(unique.rows) points")
        }
        if knn.neighborCount > k { knn = truncated(knn, to: k) }
        for index in knn.indices where index < -1 || Int(index) >= unique.rows {
            throw UMAPError.graphMismatch("neighbour index \(index) outside 0..<\(unique.rows)")
        }
        result.graphNeighborCount = knn.neighborCount
        result.timings.knn = clock.seconds
        result.timings.cpuKNN = cpu.seconds
        progress.progress(stage: "knn", done: 1, total: 1)

        // 3. Fuzzy simplicial set, pruned as umap-learn (weights below max/n_epochs never get sampled).
        clock = Stopwatch(); cpu = CPUClock()
        let fuzzy = FuzzySimplicialSet.build(knn, localConnectivity: config.localConnectivity,
                                             setOpMixRatio: config.setOpMixRatio).graph
        var maxWeight: Float = 0
        for w in fuzzy.weights { maxWeight = max(maxWeight, w) }
        let pruneEpochs = epochCount > 10 ? epochCount : (data.rows <= 10_000 ? 500 : 200)
        let graph = fuzzy.pruned(below: maxWeight / Float(pruneEpochs))
        result.edgeCount = graph.edgeCount
        result.timings.graph = clock.seconds
        result.timings.cpuGraph = cpu.seconds

        // 4. Initialisation.
        clock = Stopwatch(); cpu = CPUClock()
        let initSeed = SplitMix64.derived(from: config.seed, stream: 1).state
        var initRNG = SplitMix64.derived(from: config.seed, stream: 2)
        var initial: [Float]? = nil
        if config.initialization == .spectral {
            let spectral = SpectralInitializer.initialize(graph: graph, data: unique, dimension: dimension,
                                                          denseLimit: config.denseSpectralLimit, seed: initSeed, threads: threads)
            result.componentCount = spectral.componentCount
            result.spectralStatus = spectral.largestComponentStatus
            result.spectralConverged = spectral.converged
            if spectral.componentCount > 1 {
                notice("graph has \(spectral.componentCount) connected components, laid out apart"
                       + (spectral.randomComponents > 0 ? " (\(spectral.randomComponents) too small or unsolved, placed randomly in their box)" : ""))
            }
            if case .notConverged(_, let residual, true)? = spectral.largestComponentStatus {
                notice("spectral initialisation did not fully converge (residual \(String(format: "%.1e", residual))); using its best vectors")
            }
            if var coordinates = spectral.coordinates {
                // umap-learn: + N(0, 0.0001) noise after scaling to max |x| = 10.
                for i in coordinates.indices { coordinates[i] += Float(initRNG.nextGaussian() * 0.0001) }
                initial = coordinates
            } else {
                notice("\(spectral.failureReason ?? "spectral initialisation failed"); falling back to random initialisation")
            }
        } else {
            result.componentCount = ConnectedComponents(graph).count
        }
        if initial == nil {
            result.initialization = .random
            initial = (0..<(unique.rows * dimension)).map { _ in Float(initRNG.nextDouble() * 20 - 10) }
        } else {
            result.initialization = .spectral
        }
        result.timings.initialize = clock.seconds
        result.timings.cpuInitialize = cpu.seconds

        // 5. SGD layout.
        clock = Stopwatch(); cpu = CPUClock()
        var optimizer = LayoutOptimizer(graph: graph, initial: initial ?? [], dimension: dimension, epochCount: epochCount,
                                        a: a, b: b, repulsionStrength: config.repulsionStrength,
                                        learningRate: config.learningRate, negativeSampleRate: config.negativeSampleRate,
                                        seed: SplitMix64.derived(from: config.seed, stream: 3).state)
        optimizer.run(untilEpoch: epochCount, threads: threads, progress: progress)
        result.timings.layout = clock.seconds
        result.timings.cpuLayout = cpu.seconds

        // 6. Copy coordinates back to every input row.
        var coordinates = Matrix(rows: data.rows, columns: dimension)
        let embedding = optimizer.embedding
        for i in 0..<data.rows {
            let r = duplicates.map { Int($0.representative[i]) } ?? i
            for c in 0..<dimension { coordinates[i, c] = embedding[r * dimension + c] }
        }
        result.coordinates = coordinates
        return result
    }

    private func truncated(_ graph: KNNGraph, to k: Int) -> KNNGraph {
        var indices = [Int32](), distances = [Float]()
        indices.reserveCapacity(graph.pointCount * k); distances.reserveCapacity(graph.pointCount * k)
        for i in 0..<graph.pointCount {
            let row = (i * graph.neighborCount)..<(i * graph.neighborCount + k)
            indices.append(contentsOf: graph.indices[row]); distances.append(contentsOf: graph.distances[row])
        }
        return KNNGraph(pointCount: graph.pointCount, neighborCount: k, indices: indices, distances: distances)
    }
}
