// k-means front end: validates the input, seeds each restart with k-means++, runs Lloyd
// iterations and keeps the restart of lowest inertia (scikit-learn `KMeans.fit`). The steps live
// in KMeansPlusPlus(+Batched).swift (seeding), KMeans+Batched.swift (all restarts iterated
// together, or in groups whose Elkan bounds fit, with the bounds from KMeans+BatchedElkan.swift), KMeans+Lloyd.swift (one restart at a time, Hamerly bounds,
// empty-cluster relocation) and KMeansKernels.swift (GEMM assignment).
import LinearAlgebra
import MicseSupport

/// k-means clustering (Lloyd's algorithm with k-means++ seeding), deterministic for a seed
/// whatever the thread count.
///
/// ```swift
/// let x = Matrix([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
/// let result = try KMeans.fit(x, configuration: .init(clusterCount: 2))
/// // centres {(10, 2), (1, 2)}, inertia 16
/// ```
public enum KMeans {
    /// Clusters the rows of `data`.
    ///
    /// - Parameters:
    ///   - data: (n, d) row-major points; every value finite.
    ///   - configuration: k, restarts, stopping rule, seed, threads, algorithm.
    /// - Returns: labels (n), centres (k, d), inertia and per-iteration statistics of the restart
    ///   with the lowest inertia (the first one on ties).
    /// - Throws: `ClusteringError` for an empty input, k < 1 or k > n, a non-finite value
    ///   (naming its 1-based row) or an invalid parameter.
    /// - Complexity: per restart, k-means++ costs O(n·d·k·log k); a Lloyd iteration O(n·d·k),
    ///   a Hamerly iteration O(n + r·d·k) where r points have overlapping bounds.
    ///   - progress: receives ("kmeans", restarts finished, restarts) as restarts converge.
    public static func fit(_ data: Matrix, configuration: KMeansConfiguration,
                           progress: any ProgressReporter = SilentProgress()) throws -> KMeansResult {
        try fit(data, configuration: configuration, boundsCapacity: BatchedElkanBounds.capacity, progress: progress)
    }

    /// `fit`, with the Floats of Elkan bounds a batch of restarts may keep (tests make it small to force groups).
    static func fit(_ data: Matrix, configuration: KMeansConfiguration, boundsCapacity: Int,
                    progress: any ProgressReporter = SilentProgress()) throws -> KMeansResult {
        let stopwatch = Stopwatch()
        let n = data.rows, d = data.columns, k = configuration.clusterCount
        try validate(data, configuration)
        let threads = resolvedThreadCount(configuration.threads)

        // BLAS runs single-threaded inside our row slots; restore the caller's setting afterwards.
        let savedBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(savedBLASThreads) }

        // The points are centred first, as sklearn's `KMeans.fit` does "for more accurate distance computations":
        // distances by the expansion ‖x‖² − 2x·c + ‖c‖² lose the bits of ‖x − c‖² that ‖x‖² outweighs, so data
        // far from the origin (an offset of 100 on the MiniLM vectors) got worse partitions and did not converge.
        // Labels and inertia do not change under a shift; the centres get the mean back at the end.
        let (centredValues, original, moments) = data.withUnsafeBufferPointer {
            FeatureMoments.centring($0.baseAddress!, rows: n, dimension: d)
        }
        let mean = original.mean
        let tolerance = original.tolerance(relative: configuration.tolerance)
        return centredValues.withUnsafeBufferPointer { buffer -> KMeansResult in
            guard let base = buffer.baseAddress else { preconditionFailure("validated non-empty") }
            let workspace = KMeansWorkspace(x: base, rows: n, dimension: d, clusterCount: k, threads: threads)
            var algorithm = configuration.algorithm
            // `elkan` runs batched (with bounds from `BatchedElkanBounds.minimumClusterCount` clusters, below which
            // they do not pay), in groups of as many restarts as their bounds fit (one pass over the data per
            // iteration serves a whole group), else one restart at a time as `hamerly`.
            let batchedBounds = algorithm == .elkan && k >= BatchedElkanBounds.minimumClusterCount
            let groupSize = !batchedBounds ? configuration.initCount
                : BatchedElkanBounds.restartsThatFit(rows: n, clusterCount: k, restarts: configuration.initCount, capacity: boundsCapacity)
            let batched = algorithm == .lloyd || (algorithm == .elkan && groupSize >= 1)
            if algorithm == .elkan && !batched { algorithm = .hamerly }
            let ranking = configuration.pruning.map(RestartRanking.init(rule:))
            var best: (labels: [Int32], centers: [Float], outcome: RestartOutcome, restart: Int)?
            var inertias: [Double] = []
            var pruned: [Int] = []
            var stats: [KMeansIterationStats] = []
            var seedingSeconds = 0.0
            var first = 0
            while batched && first < configuration.initCount {
                // A group of restarts in one batch: one pass over the data per iteration (KMeans+Batched.swift),
                // with Elkan bounds for `elkan` (KMeans+BatchedElkan.swift).
                let members = min(groupSize, configuration.initCount - first)
                let batch = BatchedLloyd(x: base, pointNorms: workspace.pointNorms, rows: n, dimension: d, clusterCount: k,
                                         restarts: members, firstRestart: first, threads: threads,
                                         boundsSlack: batchedBounds ? workspace.slack : nil,
                                         pruning: ranking.map { ($0, moments) })
                let seeding = Stopwatch()
                if BatchedLloyd.canSeedTogether(rows: n, restarts: members, trials: workspace.trials) {
                    batch.seedKMeansPlusPlus(seed: configuration.seed, trials: workspace.trials)
                } else {
                    for member in 0..<members {
                        var rng = SplitMix64.derived(from: configuration.seed, stream: UInt64(first + member))
                        workspace.seedKMeansPlusPlus(rng: &rng)
                        (batch.centers + member * k * d).update(from: workspace.centers, count: k * d)
                    }
                }
                seedingSeconds += seeding.seconds
                let before = first
                batch.run(maxIterations: configuration.maxIterations, tolerance: tolerance) { finished in
                    progress.progress(stage: "kmeans", done: before + finished, total: configuration.initCount)
                }
                if batch.rankedSSE == nil { ranking?.record((0..<members).map { (batch.partitionSSE[$0], first + $0) }) }
                let groupInertias = batch.exactInertias()
                inertias += groupInertias
                for member in 0..<members {
                    let restart = first + member
                    stats += batch.stats[member]
                    let outcome = RestartOutcome(inertia: groupInertias[member], iterations: batch.iterations[member],
                                                 strictlyConverged: batch.strict[member], converged: batch.converged[member],
                                                 stats: [])
                    if batch.pruned[member] { pruned.append(restart); continue }
                    if best == nil || outcome.inertia < best!.outcome.inertia {
                        best = (Array(UnsafeBufferPointer(start: batch.labels + member * n, count: n)),
                                Array(UnsafeBufferPointer(start: batch.centers + member * k * d, count: k * d)), outcome, restart)
                    }
                }
                first += members
            }
            for restart in 0..<(batched ? 0 : configuration.initCount) {
                var rng = SplitMix64.derived(from: configuration.seed, stream: UInt64(restart))
                let seeding = Stopwatch()
                workspace.seedKMeansPlusPlus(rng: &rng)
                seedingSeconds += seeding.seconds
                let outcome = workspace.runLloyd(restart: restart, maxIterations: configuration.maxIterations,
                                                 tolerance: tolerance, algorithm: algorithm, pruning: ranking.map { ($0, moments) })
                progress.progress(stage: "kmeans", done: restart + 1, total: configuration.initCount)
                inertias.append(outcome.inertia)
                stats += outcome.stats
                if outcome.pruned { pruned.append(restart); continue }
                if best == nil || outcome.inertia < best!.outcome.inertia {
                    best = (Array(UnsafeBufferPointer(start: workspace.labels, count: n)),
                            Array(UnsafeBufferPointer(start: workspace.centers, count: k * d)), outcome, restart)
                }
            }
            guard let best else { preconditionFailure("initCount validated ≥ 1") }
            var notices: [String] = []
            // sklearn warns when fewer distinct labels than k remain; with duplicate points, tied
            // identical centres can also keep distinct labels, so count distinct centres too.
            let distinctLabels = Set(best.labels).count
            let distinctCenters = Set((0..<k).map { j in Array(best.centers[(j * d)..<((j + 1) * d)]) }).count
            let distinct = min(distinctLabels, distinctCenters)
            if distinct < k {
                notices.append("k-means found \(distinct) distinct clusters, fewer than the \(k) requested (duplicate points in the data?)")
            }
            if !best.outcome.converged {
                notices.append("k-means stopped after \(configuration.maxIterations) iterations without converging (tolerance \(configuration.tolerance))")
            }
            let centers = best.centers.indices.map { Float(Double(best.centers[$0]) + mean[$0 % d]) }
            return KMeansResult(labels: best.labels, centers: Matrix(rows: k, columns: d, storage: centers),
                                inertia: best.outcome.inertia, iterations: best.outcome.iterations,
                                strictlyConverged: best.outcome.strictlyConverged, converged: best.outcome.converged,
                                bestRestart: best.restart, restartInertias: inertias, prunedRestarts: pruned, iterationStats: stats,
                                notices: notices, seconds: stopwatch.seconds, seedingSeconds: seedingSeconds)
        }
    }

    /// Labels of `data`'s rows by nearest centre (ties: lowest index), e.g. to assign new points.
    public static func predict(_ data: Matrix, centers: Matrix) -> [Int32] {
        precondition(data.columns == centers.columns, "predict: data has \(data.columns) columns, centres \(centers.columns)")
        var labels = [Int32](repeating: 0, count: data.rows)
        guard data.rows > 0, centers.rows > 0, data.columns > 0 else { return labels }
        let d = data.columns, k = centers.rows
        data.withUnsafeBufferPointer { x in
            centers.withUnsafeBufferPointer { c in
                labels.withUnsafeMutableBufferPointer { out in
                    for i in 0..<data.rows {
                        var best = Double.infinity
                        for j in 0..<k {
                            let dist = squaredDistanceDouble(x.baseAddress! + i * d, c.baseAddress! + j * d, dimension: d)
                            if dist < best { best = dist; out[i] = Int32(j) }
                        }
                    }
                }
            }
        }
        return labels
    }

    /// tol · mean over features of the variance of `data` (sklearn `_tolerance`).
    public static func scaledTolerance(_ data: Matrix, relative tol: Double) -> Double {
        guard tol > 0, data.rows > 0, data.columns > 0 else { return 0 }
        return data.withUnsafeBufferPointer { p in
            FeatureMoments(x: p.baseAddress!, rows: data.rows, dimension: data.columns).tolerance(relative: tol)
        }
    }

    static func validate(_ data: Matrix, _ c: KMeansConfiguration) throws {
        guard data.rows > 0, data.columns > 0 else { throw ClusteringError.emptyInput }
        guard c.clusterCount >= 1, c.clusterCount <= data.rows else {
            throw ClusteringError.invalidClusterCount(requested: c.clusterCount, pointCount: data.rows)
        }
        guard c.initCount >= 1 else {
            throw ClusteringError.invalidParameter(name: "the number of restarts (n-init)", value: "\(c.initCount)", requirement: "at least 1")
        }
        guard c.maxIterations >= 1 else {
            throw ClusteringError.invalidParameter(name: "max-iter", value: "\(c.maxIterations)", requirement: "at least 1")
        }
        if let p = c.pruning, p.afterIterations < 1 || p.keep < 1 {
            throw ClusteringError.invalidParameter(name: "restart pruning", value: "after \(p.afterIterations) iterations keep \(p.keep)",
                                                   requirement: "at least 1 iteration and 1 restart")
        }
        guard c.tolerance >= 0, c.tolerance.isFinite else {
            throw ClusteringError.invalidParameter(name: "tol", value: "\(c.tolerance)", requirement: "finite and ≥ 0")
        }
        if let row = data.firstNonFiniteRow() { throw ClusteringError.nonFiniteRow(row: row + 1) }
    }
}
