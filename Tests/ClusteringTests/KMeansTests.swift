import Foundation
import LinearAlgebra
import MicseSupport
import Testing
@testable import Clustering

@Suite("k-means against scikit-learn")
struct KMeansReferenceTests {
    let reference: KMeansReference
    init() throws { reference = try KMeansReference.load() }

    @Test("sklearn doctest: centres {(10,2),(1,2)}, inertia 16", arguments: KMeansAlgorithm.allCases)
    func doctest(algorithm: KMeansAlgorithm) throws {
        let x = Matrix(reference.doctest.points)
        let result = try KMeans.fit(x, configuration: .init(clusterCount: 2, seed: 0, algorithm: algorithm))
        #expect(abs(result.inertia - reference.doctest.inertia) < 1e-9)
        #expect(reference.doctest.inertia == 16)
        let centres = Set((0..<2).map { [result.centers[$0, 0], result.centers[$0, 1]] })
        #expect(centres == Set(reference.doctest.centers.map { $0.map(Float.init) }))
        #expect(samePartition(result.labels, reference.doctest.labels))
    }

    @Test("well-separated blobs: sklearn's exact partition", arguments: KMeansAlgorithm.allCases)
    func blobs(algorithm: KMeansAlgorithm) throws {
        let x = Matrix(reference.blobs.points)
        for seed: UInt64 in [0, 1, 42] {
            let result = try KMeans.fit(x, configuration: .init(clusterCount: reference.blobs.k, seed: seed, algorithm: algorithm))
            #expect(samePartition(result.labels, reference.blobs.labels), "seed \(seed)")
            #expect(abs(result.inertia - reference.blobs.inertia) <= 1e-5 * reference.blobs.inertia, "seed \(seed)")
            #expect(result.converged)
        }
    }

    @Test("MiniLM tweets (1,000 × 384): inertia within 0.5% of sklearn KMeans(n_init=10)",
          arguments: ["raw", "normalized"], [3, 20])
    func tweets(space: String, k: Int) throws {
        var x = try KMeansReference.tweetEmbeddings()
        if space == "normalized" { x.normalizeRows() }
        let expected = try #require(reference.tweets_1000["\(space)_k\(k)"]?.fit).inertia
        let result = try KMeans.fit(x, configuration: .init(clusterCount: k, seed: 0))
        let relative = (result.inertia - expected) / expected
        #expect(relative < 0.005, "inertia \(result.inertia) vs sklearn \(expected)")
        #expect(relative > -0.05, "suspiciously far below sklearn: \(result.inertia) vs \(expected)")
    }
}

@Suite("k-means properties")
struct KMeansPropertyTests {
    static func blobs(seed: UInt64, n: Int = 400, d: Int = 6, centres: Int = 4, spread: Float = 1.5) -> Matrix {
        var rng = SplitMix64(seed: seed)
        let means = (0..<centres).map { _ in (0..<d).map { _ in Float(rng.nextGaussian()) * 4 } }
        var storage: [Float] = []
        for i in 0..<n { storage += means[i % centres].map { $0 + Float(rng.nextGaussian()) * spread } }
        return Matrix(rows: n, columns: d, storage: storage)
    }

    @Test("inertia never increases across Lloyd iterations", arguments: [2, 5, 9], [UInt64(1), 2, 3])
    func monotone(k: Int, seed: UInt64) throws {
        let x = Self.blobs(seed: seed, spread: 3)
        let result = try KMeans.fit(x, configuration: .init(clusterCount: k, initCount: 3, tolerance: 0, seed: seed, algorithm: .lloyd))
        for restart in 0..<3 {
            let inertias = result.iterationStats.filter { $0.restart == restart }.compactMap(\.inertia)
            #expect(!inertias.isEmpty)
            for (a, b) in zip(inertias, inertias.dropFirst()) { #expect(b <= a * (1 + 1e-6), "restart \(restart): \(a) → \(b)") }
            if let last = inertias.last, restart == result.bestRestart { #expect(result.inertia <= last * (1 + 1e-6)) }
        }
        #expect(result.inertia == result.restartInertias.min())
    }

    // Elkan runs batched and uses its bounds from k = 12 (BatchedElkanBounds.minimumClusterCount);
    // below, its E-steps are Lloyd's, so its k values here start at 12.
    @Test("Lloyd, Hamerly and Elkan reach the same partition from the same seeds",
          arguments: [(KMeansAlgorithm.hamerly, 3), (.hamerly, 8), (.hamerly, 15), (.elkan, 12), (.elkan, 15), (.elkan, 24)])
    func boundsMatchLloyd(algorithm: KMeansAlgorithm, k: Int) throws {
        let x = Self.blobs(seed: 9, n: 1500, d: 12, centres: 6, spread: 2)
        let lloyd = try KMeans.fit(x, configuration: .init(clusterCount: k, initCount: 2, tolerance: 0, seed: 5, algorithm: .lloyd))
        let hamerly = try KMeans.fit(x, configuration: .init(clusterCount: k, initCount: 2, tolerance: 0, seed: 5, algorithm: algorithm))
        #expect(samePartition(lloyd.labels, hamerly.labels))
        #expect(abs(lloyd.inertia - hamerly.inertia) <= 1e-6 * lloyd.inertia)
        let skipped = hamerly.iterationStats.dropFirst().map(\.distanceComputations)
        #expect(skipped.contains { $0 < x.rows * k }, "Hamerly bounds never skipped a point")
    }

    @Test("same seed, any thread count: identical labels, centres and inertia", arguments: KMeansAlgorithm.allCases)
    func threadIndependence(algorithm: KMeansAlgorithm) throws {
        let x = Self.blobs(seed: 4, n: 5000, d: 16, centres: 7, spread: 3)
        let one = try KMeans.fit(x, configuration: .init(clusterCount: 7, initCount: 3, seed: 11, threads: 1, algorithm: algorithm))
        let two = try KMeans.fit(x, configuration: .init(clusterCount: 7, initCount: 3, seed: 11, threads: 2, algorithm: algorithm))
        let four = try KMeans.fit(x, configuration: .init(clusterCount: 7, initCount: 3, seed: 11, threads: 4, algorithm: algorithm))
        #expect(one.labels == two.labels && two.labels == four.labels)
        #expect(one.centers == two.centers && two.centers == four.centers)
        #expect(one.inertia == two.inertia && two.inertia == four.inertia)
    }

    @Test("batched Elkan on MiniLM tweets (1,000 × 384): Lloyd's labels, inertia and iterations, most distances skipped",
          arguments: [12, 20])
    func batchedElkanMatchesLloyd(k: Int) throws {
        let x = try KMeansReference.tweetEmbeddings().l2Normalized()
        let lloyd = try KMeans.fit(x, configuration: .init(clusterCount: k, initCount: 4, seed: 3, algorithm: .lloyd))
        let elkan = try KMeans.fit(x, configuration: .init(clusterCount: k, initCount: 4, seed: 3, algorithm: .elkan))
        #expect(elkan.labels == lloyd.labels)
        #expect(elkan.bestRestart == lloyd.bestRestart)
        #expect(zip(elkan.restartInertias, lloyd.restartInertias).allSatisfy { abs($0 - $1) <= 1e-9 * $1 },
                "\(elkan.restartInertias) vs \(lloyd.restartInertias)")
        for restart in 0..<4 {
            let a = elkan.iterationStats.filter { $0.restart == restart }, b = lloyd.iterationStats.filter { $0.restart == restart }
            #expect(a.count == b.count, "restart \(restart): \(a.count) vs \(b.count) iterations")
            #expect(a.map(\.changedLabels) == b.map(\.changedLabels), "restart \(restart)")
        }
        // Bounded E-steps ran and skipped most distances.
        let bounded = elkan.iterationStats.filter { $0.distanceComputations < x.rows * k }
        #expect(!bounded.isEmpty)
        #expect(bounded.allSatisfy { $0.inertia == nil })
        let computed = elkan.iterationStats.reduce(0) { $0 + $1.distanceComputations }
        #expect(computed * 2 < elkan.iterationStats.count * x.rows * k, "\(computed) distances")
    }

    @Test("batched Elkan with bounded steps: identical results for 1, 2 and 4 threads")
    func batchedElkanThreadIndependence() throws {
        let x = Self.blobs(seed: 6, n: 6000, d: 24, centres: 10, spread: 3)
        let fits = try [1, 2, 4].map { threads in
            try KMeans.fit(x, configuration: .init(clusterCount: 16, initCount: 3, tolerance: 0, seed: 2, threads: threads, algorithm: .elkan))
        }
        #expect(fits[0].iterationStats.contains { $0.distanceComputations < x.rows * 16 }, "no bounded E-step ran")
        for fit in fits.dropFirst() {
            #expect(fit.labels == fits[0].labels)
            #expect(fit.centers == fits[0].centers)
            #expect(fit.inertia == fits[0].inertia)
            // Every count and shift exactly; a dense step's inertia (summed from the GEMM expansion) to
            // 1e-6 relative, float rounding of the expansion: OpenBLAS's thread count is process-wide,
            // other suites of this test process change it concurrently, and a multi-threaded sgemm
            // rounds the Float dot products differently (seen: 7e-10 relative; labels and centres,
            // checked above, do not change).
            let a = fit.iterationStats, b = fits[0].iterationStats
            #expect(a.count == b.count)
            for (u, v) in zip(a, b) {
                #expect(u.restart == v.restart && u.iteration == v.iteration && u.changedLabels == v.changedLabels
                        && u.distanceComputations == v.distanceComputations && u.relocatedClusters == v.relocatedClusters
                        && u.centerShift == v.centerShift, "restart \(u.restart) iteration \(u.iteration)")
                #expect((u.inertia == nil) == (v.inertia == nil))
                if let p = u.inertia, let q = v.inertia { #expect(abs(p - q) <= 1e-6 * abs(q)) }
            }
        }
    }

    @Test("batched Elkan with fewer distinct points than k (relocations): terminates, inertia 0, notice")
    func batchedElkanDuplicates() throws {
        var rng = SplitMix64(seed: 12)
        let distinct = (0..<20).map { _ in (0..<5).map { _ in Float(rng.nextGaussian()) } }
        let x = Matrix((0..<400).map { distinct[$0 % 20] })
        let result = try KMeans.fit(x, configuration: .init(clusterCount: 24, initCount: 3, maxIterations: 60, algorithm: .elkan))
        #expect(result.inertia < 1e-6)
        #expect(Set(result.labels).count == 20)
        #expect(result.notices.contains { $0.contains("distinct") })
    }

    @Test("k-means++ of all restarts together picks the same seeds as one restart at a time", arguments: [1, 4, 13])
    func batchedSeeding(k: Int) {
        let x = Self.blobs(seed: 21, n: 900, d: 10, centres: 5, spread: 2)
        x.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            let w = KMeansWorkspace(x: base, rows: x.rows, dimension: x.columns, clusterCount: k, threads: 2)
            let batch = BatchedLloyd(x: base, pointNorms: w.pointNorms, rows: x.rows, dimension: x.columns,
                                     clusterCount: k, restarts: 4, threads: 2)
            batch.seedKMeansPlusPlus(seed: 77, trials: w.trials)
            for restart in 0..<4 {
                var rng = SplitMix64.derived(from: 77, stream: UInt64(restart))
                w.seedKMeansPlusPlus(rng: &rng)
                let one = Array(UnsafeBufferPointer(start: w.centers, count: k * x.columns))
                let together = Array(UnsafeBufferPointer(start: batch.centers + restart * k * x.columns, count: k * x.columns))
                #expect(one == together, "restart \(restart)")
            }
        }
    }

    @Test("restarts whose Elkan bounds do not fit together run in groups, with the results of one batch")
    func restartGroups() throws {
        let x = Self.blobs(seed: 8, n: 1200, d: 12, centres: 14, spread: 3)
        // Without pruning, which ranks restarts within a batch.
        let configuration = KMeansConfiguration(clusterCount: 14, initCount: 5, seed: 3, pruning: nil)
        let together = try KMeans.fit(x, configuration: configuration)
        // Room for the bounds of two restarts (n·k = 16,800 Floats each): groups of 2, 2 and 1.
        let grouped = try KMeans.fit(x, configuration: configuration, boundsCapacity: 2 * 1200 * 14 + 7)
        #expect(grouped.labels == together.labels && grouped.bestRestart == together.bestRestart)
        #expect(grouped.restartInertias.count == 5)
        for (a, b) in zip(grouped.restartInertias, together.restartInertias) { #expect(abs(a - b) <= 1e-9 * b) }
        #expect(Set(grouped.iterationStats.map(\.restart)) == Set(0..<5))
    }

    @Test("pruning: the restarts of lowest sum of squares go on, each as it would alone; the rest stop", arguments: KMeansAlgorithm.allCases)
    func pruning(algorithm: KMeansAlgorithm) throws {
        // Overlapping blobs and tolerance 0: every restart runs well past the pruning iteration.
        let x = Self.blobs(seed: 21, n: 1500, d: 10, centres: 14, spread: 5)
        let pruning = KMeansPruning(afterIterations: 4, keep: 2)
        let full = try KMeans.fit(x, configuration: .init(clusterCount: 14, initCount: 6, tolerance: 0, seed: 5, algorithm: algorithm, pruning: nil))
        #expect(full.prunedRestarts.isEmpty)
        #expect(Set(full.iterationStats.map(\.restart)).allSatisfy { r in full.iterationStats.filter { $0.restart == r }.count > 4 })
        let pruned = try KMeans.fit(x, configuration: .init(clusterCount: 14, initCount: 6, tolerance: 0, seed: 5, algorithm: algorithm, pruning: pruning))
        if algorithm == .hamerly {
            // One restart at a time: each is ranked against those before it, so the first two always go on.
            #expect((1...4).contains(pruned.prunedRestarts.count) && !pruned.prunedRestarts.contains(0) && !pruned.prunedRestarts.contains(1))
        } else {
            #expect(pruned.prunedRestarts.count == 4)
        }
        let kept = Set(0..<6).subtracting(pruned.prunedRestarts)
        #expect(!pruned.prunedRestarts.contains(pruned.bestRestart))
        for r in 0..<6 {
            let iterations = pruned.iterationStats.filter { $0.restart == r }.count
            if kept.contains(r) {
                // A kept restart runs as in the full fit.
                #expect(iterations == full.iterationStats.filter { $0.restart == r }.count)
                #expect(abs(pruned.restartInertias[r] - full.restartInertias[r]) <= 1e-9 * full.restartInertias[r])
            } else {
                #expect(iterations == pruning.afterIterations, "restart \(r)")
            }
        }
        let bestKept = kept.map { full.restartInertias[$0] }.min()!
        #expect(abs(pruned.inertia - bestKept) <= 1e-9 * bestKept)
        // The ranking does not depend on the thread count.
        for threads in [1, 3] {
            let other = try KMeans.fit(x, configuration: .init(clusterCount: 14, initCount: 6, tolerance: 0, seed: 5, threads: threads,
                                                               algorithm: algorithm, pruning: pruning))
            #expect(other.prunedRestarts == pruned.prunedRestarts && other.labels == pruned.labels && other.inertia == pruned.inertia)
        }

        guard algorithm != .hamerly else { return }
        // The ranking: the kept restarts had the lowest sums of squares, and a stopped restart's
        // sum of squares (from the running sums) is its exact inertia there.
        let batch = Self.batch(x, clusterCount: 14, restarts: 6, seed: 5, algorithm: algorithm, pruning: pruning)
        let ranked = try #require(batch.ranked)
        #expect(Set((0..<6).filter { !batch.pruned[$0] }) == kept)
        for r in kept { for q in pruned.prunedRestarts { #expect(ranked[r] <= ranked[q]) } }
        let exact = batch.inertias
        for q in pruned.prunedRestarts { #expect(abs(ranked[q] - exact[q]) <= 1e-6 * exact[q], "restart \(q)") }
    }

    @Test("pruning ranks exact sums of squares for data far from the origin (no cancellation against Σ‖x‖²)")
    func pruningFarFromOrigin() throws {
        let near = Self.blobs(seed: 21, n: 1500, d: 10, centres: 14, spread: 5)
        let far = Matrix(rows: near.rows, columns: near.columns, storage: near.withUnsafeBufferPointer { $0.map { $0 + 10_000 } })
        let batch = Self.batch(far, clusterCount: 14, restarts: 6, seed: 5, algorithm: .elkan, pruning: .init(afterIterations: 4, keep: 2))
        let ranked = try #require(batch.ranked)
        #expect(batch.pruned.filter { $0 }.count == 4)
        for q in 0..<6 where batch.pruned[q] {
            #expect(abs(ranked[q] - batch.inertias[q]) <= 1e-6 * batch.inertias[q], "restart \(q): \(ranked[q]) vs \(batch.inertias[q])")
        }
    }

    /// A batch of `restarts` seeded as `KMeans.fit` seeds them, run to the end: which restarts the pruning
    /// stopped, the sums of squares it ranked, and every restart's final exact inertia.
    static func batch(_ x: Matrix, clusterCount k: Int, restarts: Int, seed: UInt64, algorithm: KMeansAlgorithm,
                      pruning: KMeansPruning?) -> (pruned: [Bool], ranked: [Double]?, inertias: [Double]) {
        x.withUnsafeBufferPointer { buffer in
            let workspace = KMeansWorkspace(x: buffer.baseAddress!, rows: x.rows, dimension: x.columns, clusterCount: k, threads: 2)
            let moments = FeatureMoments(x: buffer.baseAddress!, rows: x.rows, dimension: x.columns)
            let batch = BatchedLloyd(x: buffer.baseAddress!, pointNorms: workspace.pointNorms, rows: x.rows, dimension: x.columns,
                                     clusterCount: k, restarts: restarts, threads: 2,
                                     boundsSlack: algorithm == .elkan ? workspace.slack : nil, pruning: pruning.map { (RestartRanking(rule: $0), moments) })
            batch.seedKMeansPlusPlus(seed: seed, trials: workspace.trials)
            batch.run(maxIterations: 300, tolerance: 0)
            // Each restart's inertia from its labels and centres, not from `exactInertias` (which reports the
            // ranked value for a pruned restart).
            let inertias = (0..<restarts).map { r in
                partialInertia(buffer.baseAddress!, dimension: x.columns, centers: batch.centers + r * k * x.columns,
                               labels: batch.labels + r * x.rows, range: 0..<x.rows)
            }
            return (batch.pruned, batch.rankedSSE, inertias)
        }
    }

    @Test("pruning across batches of restarts: every restart that one batch keeps is kept, and a later batch is ranked against the earlier ones")
    func pruningAcrossGroups() throws {
        let x = Self.blobs(seed: 21, n: 1500, d: 10, centres: 14, spread: 5)
        let configuration = KMeansConfiguration(clusterCount: 14, initCount: 6, tolerance: 0, seed: 5,
                                                pruning: .init(afterIterations: 4, keep: 2))
        let together = try KMeans.fit(x, configuration: configuration)
        // Room for the bounds of two restarts: batches {0, 1}, {2, 3}, {4, 5}.
        let grouped = try KMeans.fit(x, configuration: configuration, boundsCapacity: 2 * 1500 * 14 + 7)
        let keptTogether = Set(0..<6).subtracting(together.prunedRestarts)
        let keptGrouped = Set(0..<6).subtracting(grouped.prunedRestarts)
        #expect(keptGrouped.isSuperset(of: keptTogether) && keptGrouped.count < 6 && keptGrouped.contains(0) && keptGrouped.contains(1))
        #expect(grouped.inertia <= together.inertia * (1 + 1e-12))
        for r in keptTogether { #expect(abs(grouped.restartInertias[r] - together.restartInertias[r]) <= 1e-9 * together.restartInertias[r]) }
    }

    @Test("data far from the origin: the same partitions as centred data (the points are centred first, as sklearn does)")
    func farFromOrigin() throws {
        let x = try KMeansReference.tweetEmbeddings()
        let shifted = Matrix(rows: x.rows, columns: x.columns, storage: x.withUnsafeBufferPointer { $0.map { $0 + 100 } })
        let configuration = KMeansConfiguration(clusterCount: 20, seed: 0)
        let near = try KMeans.fit(x, configuration: configuration), far = try KMeans.fit(shifted, configuration: configuration)
        #expect(far.converged && far.iterations < 300)
        #expect(abs(far.inertia - near.inertia) <= 0.002 * near.inertia, "\(far.inertia) vs \(near.inertia)")
        // The centres are in the data's coordinates.
        let offsetCentre = far.centers.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) } } / Double(far.centers.rows * far.centers.columns)
        #expect(offsetCentre > 99 && offsetCentre < 101)
    }

    @Test("pruning that keeps every restart changes nothing; keeping none is refused")
    func pruningBounds() throws {
        let x = Self.blobs(seed: 4, n: 600, d: 8, centres: 12, spread: 4)
        let full = try KMeans.fit(x, configuration: .init(clusterCount: 12, initCount: 4, seed: 1, pruning: nil))
        let all = try KMeans.fit(x, configuration: .init(clusterCount: 12, initCount: 4, seed: 1, pruning: .init(afterIterations: 2, keep: 4)))
        #expect(all.labels == full.labels && all.restartInertias == full.restartInertias && all.prunedRestarts.isEmpty)
        #expect(throws: ClusteringError.self) {
            try KMeans.fit(x, configuration: .init(clusterCount: 12, pruning: .init(afterIterations: 10, keep: 0)))
        }
        #expect(throws: ClusteringError.self) {
            try KMeans.fit(x, configuration: .init(clusterCount: 12, pruning: .init(afterIterations: 0, keep: 3)))
        }
    }

    @Test("k = 1 gives the mean; tolerance is tol · mean feature variance")
    func singleCluster() throws {
        let x = Matrix([[0, 0], [2, 0], [0, 4], [2, 4]])
        let result = try KMeans.fit(x, configuration: .init(clusterCount: 1))
        #expect(result.centers == Matrix([[1, 2]]))
        #expect(abs(result.inertia - 20) < 1e-9)
        // variances 1 and 4 → mean 2.5
        #expect(abs(KMeans.scaledTolerance(x, relative: 1e-4) - 2.5e-4) < 1e-15)
    }

    @Test("k = n: every point its own cluster, inertia 0")
    func kEqualsN() throws {
        let x = Self.blobs(seed: 2, n: 12, d: 3)
        let result = try KMeans.fit(x, configuration: .init(clusterCount: 12))
        #expect(Set(result.labels).count == 12)
        #expect(result.inertia < 1e-9)
        #expect(result.notices.isEmpty)
    }

    @Test("fewer distinct points than k: terminates with a notice")
    func duplicates() throws {
        let x = Matrix([[0, 0], [0, 0], [0, 0], [5, 5], [5, 5], [5, 5]])
        for algorithm in KMeansAlgorithm.allCases {
            let result = try KMeans.fit(x, configuration: .init(clusterCount: 4, maxIterations: 50, algorithm: algorithm))
            #expect(result.inertia < 1e-9)
            #expect(result.notices.contains { $0.contains("distinct") }, "\(algorithm): \(result.labels) \(result.notices) \(result.iterations)")
        }
    }

    @Test("an empty cluster takes the point farthest from its centre (sklearn _relocate_empty_clusters)",
          arguments: [KMeansAlgorithm.lloyd, .hamerly])   // elkan: the batched tests
    func relocation(algorithm: KMeansAlgorithm) {
        let x = Matrix([[0], [1], [2], [10], [11], [12]])
        x.withUnsafeBufferPointer { p in
            let w = KMeansWorkspace(x: p.baseAddress!, rows: 6, dimension: 1, clusterCount: 3, threads: 1)
            w.centers[0] = 0; w.centers[1] = 1; w.centers[2] = 1000    // cluster 2 gets no point
            let outcome = w.runLloyd(restart: 0, maxIterations: 1, tolerance: 0, algorithm: algorithm)
            #expect(outcome.stats.first?.relocatedClusters == 1)
            // Point 12 (farthest from centre 1) moved to cluster 2, whose centre is now 12.
            #expect(w.centers[2] == 12)
            #expect(w.centers[1] == 6)      // mean of {1, 2, 10, 11} after losing 12
            #expect(w.centers[0] == 0)
        }
    }

    @Test("bad input: k < 1, k > n, NaN row, bad parameters")
    func badInput() {
        let x = Matrix([[0, 1], [1, 1], [2, 2]])
        #expect(throws: ClusteringError.invalidClusterCount(requested: 0, pointCount: 3)) {
            try KMeans.fit(x, configuration: .init(clusterCount: 0))
        }
        #expect(throws: ClusteringError.invalidClusterCount(requested: 4, pointCount: 3)) {
            try KMeans.fit(x, configuration: .init(clusterCount: 4))
        }
        #expect(ClusteringError.invalidClusterCount(requested: 4, pointCount: 3).description.contains("at most 3"))
        var bad = x
        bad[1, 1] = .nan
        #expect(throws: ClusteringError.nonFiniteRow(row: 2)) { try KMeans.fit(bad, configuration: .init(clusterCount: 2)) }
        #expect(ClusteringError.nonFiniteRow(row: 2).description.contains("row 2"))
        #expect(throws: ClusteringError.self) { try KMeans.fit(x, configuration: .init(clusterCount: 2, initCount: 0)) }
        #expect(throws: ClusteringError.emptyInput) { try KMeans.fit(Matrix(rows: 0, columns: 3), configuration: .init(clusterCount: 1)) }
    }

    @Test("predict agrees with the fitted labels")
    func predictMatchesLabels() throws {
        let x = Self.blobs(seed: 8)
        let result = try KMeans.fit(x, configuration: .init(clusterCount: 4))
        #expect(KMeans.predict(x, centers: result.centers) == result.labels)
    }
}
