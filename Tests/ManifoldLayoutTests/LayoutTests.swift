import Foundation
import Testing
import LinearAlgebra
import MicseSupport
import NeighborGraph
@testable import ManifoldLayout

@Suite("Spectral initialisation")
struct SpectralInitializerTests {
    /// Largest |dot| normalised: 1 when the columns agree up to sign.
    func agreement(_ x: [Double], _ y: [Double], rows: Int, columns: Int, column c: Int) -> Double {
        var dot = 0.0, nx = 0.0, ny = 0.0
        for i in 0..<rows {
            dot += x[i * columns + c] * y[i * columns + c]
            nx += x[i * columns + c] * x[i * columns + c]
            ny += y[i * columns + c] * y[i * columns + c]
        }
        return abs(dot) / (nx * ny).squareRoot()
    }

    @Test("dense eigenvectors equal umap-learn's spectral_layout up to sign")
    func matchesUMAPLearn() throws {
        let fixture = try FuzzyFixture.load()
        let graph = fixture.spectralGraph
        #expect(ConnectedComponents(graph).count == 1)
        let solved = SpectralInitializer.laplacianEigenvectors(graph, dimension: 2)
        let vectors = try #require(solved.vectors)
        #expect(solved.status == .dense)
        let reference = fixture.spectral.flatMap { $0 }
        for c in 0..<2 {
            #expect(agreement(vectors, reference, rows: graph.pointCount, columns: 2, column: c) > 1 - 1e-4)
        }
    }

    @Test("Lanczos equals the dense eigensolve up to sign", arguments: [UInt64(3), 11])
    func lanczosMatchesDense(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<3).map { _ in (0..<6).map { _ in rng.nextDouble() * 4 - 2 } }
        let (data, _) = blobs(centers: centres, perCluster: 100, scale: 1.5, seed: seed)
        let graph = FuzzySimplicialSet.build(bruteForceKNN(data, k: 14)).graph
        try #require(ConnectedComponents(graph).count == 1)
        let dense = SpectralInitializer.laplacianEigenvectors(graph, dimension: 2, denseLimit: 10_000)
        let lanczos = SpectralInitializer.laplacianEigenvectors(graph, dimension: 2, denseLimit: 0, seed: seed)
        let d = try #require(dense.vectors), l = try #require(lanczos.vectors)
        guard case .converged = lanczos.status else { Issue.record("Lanczos did not converge: \(lanczos.status)"); return }
        for c in 0..<2 {
            #expect(abs(dense.values[c] - lanczos.values[c]) < 1e-6, "eigenvalue \(c)")
            #expect(agreement(d, l, rows: graph.pointCount, columns: 2, column: c) > 1 - 1e-5, "eigenvector \(c)")
        }
    }

    /// A connected 3,000-point graph of overlapping blobs (slow Lanczos convergence: ~100+ steps).
    func overlappingBlobGraph() -> SparseGraph {
        var rng = SplitMix64(seed: 21)
        let centres = (0..<5).map { _ in (0..<8).map { _ in rng.nextDouble() * 3 - 1.5 } }
        let (data, _) = blobs(centers: centres, perCluster: 600, scale: 1.2, seed: 21)
        return FuzzySimplicialSet.build(bruteForceKNN(data, k: 14)).graph
    }

    @Test("partial reorthogonalisation: matches the dense eigenvectors, reorthogonalising only a few steps")
    func partialReorthogonalization() throws {
        let graph = overlappingBlobGraph()
        try #require(ConnectedComponents(graph).count == 1)
        let dense = SpectralInitializer.laplacianEigenvectors(graph, dimension: 2, denseLimit: 10_000)
        let d = try #require(dense.vectors)
        // A tight tolerance runs Lanczos long enough for converged Ritz pairs to spoil orthogonality.
        let result = lanczosSmallest(NormalizedLaplacian(graph), count: 2, seed: 5, maxBasis: 400, maxRestarts: 2,
                                     tolerance: 1e-9)
        #expect(result.converged)
        #expect(result.residual <= 1e-9)
        // The Ritz vectors span the dense 2-D eigenspace: ‖P y‖ ≈ 1 for the projector P on it.
        for c in 0..<2 {
            var projection = [0.0, 0.0], norm = 0.0
            for i in 0..<graph.pointCount {
                let y = result.vectors[i * 2 + c]
                norm += y * y
                for e in 0..<2 { projection[e] += y * d[i * 2 + e] }
            }
            let captured = (projection[0] * projection[0] + projection[1] * projection[1]) / norm
            #expect(captured > 1 - 1e-8, "Ritz vector \(c) leaves the eigenspace: \(captured)")
            #expect(abs(result.values[c] - dense.values[c]) < 1e-10)
        }
        #expect(result.iterations > 60, "the test should need many steps (\(result.iterations))")
        #expect(result.reorthogonalizations > 0, "orthogonality must be lost and restored at least once")
        #expect(result.reorthogonalizations * 4 < result.iterations,
                "\(result.reorthogonalizations) of \(result.iterations) steps reorthogonalised")
    }

    @Test("spectral initialisation is bit-identical on 1 and 2 threads")
    func spectralThreadIndependent() throws {
        let graph = overlappingBlobGraph()
        try #require(graph.edgeCount >= 50_000, "the row-parallel product must be exercised")
        let one = SpectralInitializer.initialize(graph: graph, data: nil, dimension: 2, denseLimit: 0, seed: 3, threads: 1)
        let two = SpectralInitializer.initialize(graph: graph, data: nil, dimension: 2, denseLimit: 0, seed: 3, threads: 2)
        let a = try #require(one.coordinates), b = try #require(two.coordinates)
        #expect(a == b)
        #expect(one.converged)
    }

    @Test("tridiagonal eigensolver (dstevr) agrees with the dense one")
    func tridiagonalEigen() throws {
        var rng = SplitMix64(seed: 8)
        let m = 40
        let diagonal = (0..<m).map { _ in rng.nextDouble() * 2 }
        let off = (0..<(m - 1)).map { _ in rng.nextDouble() - 0.5 }
        var dense = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            dense[i * m + i] = diagonal[i]
            if i + 1 < m { dense[i * m + i + 1] = off[i]; dense[(i + 1) * m + i] = off[i] }
        }
        let full = try LAPACK.symmetricEigen(dense, n: m)
        let lowest = try LAPACK.tridiagonalEigen(diagonal: diagonal, offDiagonal: off, lowest: 3)
        for c in 0..<3 {
            #expect(abs(full.values[c] - lowest.values[c]) < 1e-12)
            var dot = 0.0
            for i in 0..<m { dot += full.vectors[i * m + c] * lowest.vectors[i * 3 + c] }
            #expect(abs(abs(dot) - 1) < 1e-10)
        }
    }

    @Test("disconnected graph: components are laid out apart")
    func multiComponentSeparates() throws {
        // Three far-apart cosine directions → no kNN edges between groups.
        let (data, labels) = blobs(centers: [[50, 0, 0, 0], [0, 50, 0, 0], [0, 0, 50, 0]], perCluster: 40, seed: 5)
        let graph = FuzzySimplicialSet.build(bruteForceKNN(data, k: 10)).graph
        let init0 = SpectralInitializer.initialize(graph: graph, data: data, dimension: 2, seed: 1)
        #expect(init0.componentCount == 3)
        let coordinates = try #require(init0.coordinates)
        // Every point is closer to its own component's centroid than to any other's.
        var centroids = [[Double]](repeating: [0, 0], count: 3)
        for i in 0..<data.rows {
            centroids[labels[i]][0] += Double(coordinates[2 * i]) / 40
            centroids[labels[i]][1] += Double(coordinates[2 * i + 1]) / 40
        }
        for i in 0..<data.rows {
            let d = centroids.map { c in pow(Double(coordinates[2 * i]) - c[0], 2) + pow(Double(coordinates[2 * i + 1]) - c[1], 2) }
            #expect(d.indices.min { d[$0] < d[$1] } == labels[i], "point \(i) strays into another component")
        }
        #expect(coordinates.allSatisfy { $0.isFinite && abs($0) <= 10.0001 })
    }

    @Test("hundreds of tiny components: finite coordinates, every component counted")
    func manyTinyComponents() throws {
        // 300 pairs of identical-direction points, each pair alone in its own direction.
        var rows: [[Float]] = []
        for p in 0..<300 {
            var v = [Float](repeating: 0, count: 300)
            v[p] = 1
            rows.append(v)
            v[p] = 2; v[(p + 1) % 300] = 0.01
            rows.append(v)
        }
        var config = UMAPConfiguration(neighborCount: 2, epochCount: 20)
        config.threadCount = 2
        let result = try UMAP(configuration: config).fit(Matrix(rows))
        #expect(result.componentCount >= 100)
        #expect(result.coordinates.storage.allSatisfy { $0.isFinite })
    }
}

@Suite("SGD layout")
struct LayoutOptimizerTests {
    @Test("seeded layout is bit-identical on 1 and 2 threads (and across runs)")
    func deterministicAcrossThreads() throws {
        let (data, _) = blobs(centers: [[3, 0, 0], [0, 3, 0], [0, 0, 3]], perCluster: 60, seed: 2)
        var config = UMAPConfiguration(epochCount: 100, seed: 99)
        config.threadCount = 1
        let one = try UMAP(configuration: config).fit(data)
        config.threadCount = 2
        let two = try UMAP(configuration: config).fit(data)
        let again = try UMAP(configuration: config).fit(data)
        #expect(one.coordinates == two.coordinates)
        #expect(two.coordinates == again.coordinates)
        config.seed = 100
        let other = try UMAP(configuration: config).fit(data)
        #expect(other.coordinates != one.coordinates, "the seed must matter")
    }

    @Test("seeded blobs: clusters come out separated", arguments: [UInt64(1), 2])
    func blobsSeparate(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<4).map { _ in (0..<10).map { _ in rng.nextDouble() * 10 - 5 } }
        let (data, labels) = blobs(centers: centres, perCluster: 75, seed: seed)
        let result = try UMAP(configuration: UMAPConfiguration(epochCount: 200, seed: seed)).fit(data)
        #expect(result.initialization == .spectral)
        #expect(neighbourLabelAgreement(result.coordinates, labels: labels) > 0.97)
    }

    @Test("random initialisation also separates blobs")
    func randomInit() throws {
        let (data, labels) = blobs(centers: [[6, 0, 0, 0], [0, 6, 0, 0], [0, 0, 6, 0]], perCluster: 60, seed: 4)
        let result = try UMAP(configuration: UMAPConfiguration(epochCount: 200, initialization: .random)).fit(data)
        #expect(result.initialization == .random)
        #expect(neighbourLabelAgreement(result.coordinates, labels: labels) > 0.95)
    }

    @Test("the edge schedule samples the heaviest edge every epoch")
    func edgeSchedule() {
        let graph = SparseGraph(pointCount: 3, rowOffsets: [0, 1, 3, 4], columns: [1, 0, 2, 1], weights: [1, 1, 0.25, 0.25])
        let schedule = EdgeSchedule(graph: graph, epochCount: 200, negativeSampleRate: 5)
        #expect(schedule.epochsPerSample == [1, 1, 4, 4])
        #expect(schedule.epochsPerNegativeSample == [0.2, 0.2, 0.8, 0.8])
    }

    @Test("fast pow matches Foundation.pow within 4e-6 relative")
    func fastPow() {
        var rng = SplitMix64(seed: 1)
        var worst: Float = 0
        for b: Float in [0.7915, 0.8420554, 0.895, 1.0, 1.93] {
            for _ in 0..<20_000 {
                let x = Float(Foundation.pow(10, rng.nextDouble() * 14 - 8))
                let reference = Float(Foundation.pow(Double(x), Double(b)))
                worst = max(worst, abs(powb(x, b) - reference) / reference)
            }
        }
        #expect(worst < 4e-6, "worst relative error \(worst)")
    }
}

@Suite("UMAP front end")
struct UMAPFrontEndTests {
    @Test("the four-lane pow is bit-identical to the scalar one (thread- and lane-independence rely on it)")
    func fastPowFourLanes() {
        var rng = SplitMix64(seed: 2)
        var values: [Float] = [0, 1e-38, 1e-30, 1e-8, 0.5, 1, 1.414_213_5, 1.414_213_6, 2, 1e6, 1e30, .greatestFiniteMagnitude]
        for _ in 0..<40_000 { values.append(Float(Foundation.pow(10, rng.nextDouble() * 20 - 10))) }
        while values.count % 4 != 0 { values.append(3) }
        var mismatches = 0
        for b: Float in [0.7915, 0.8951, 1.0, 1.93] {
            for i in stride(from: 0, to: values.count, by: 4) {
                let lanes = powb4(SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3]), b)
                for l in 0..<4 where lanes[l].bitPattern != powb(values[i + l], b).bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("duplicates are laid out once and share coordinates")
    func duplicates() throws {
        var (data, _) = blobs(centers: [[4, 0, 0], [0, 4, 0]], perCluster: 40, seed: 8)
        var storage = data.storage
        storage += data.row(3) + data.row(3) + data.row(50)
        data = Matrix(rows: data.rows + 3, columns: 3, storage: storage)
        let result = try UMAP(configuration: UMAPConfiguration(epochCount: 50)).fit(data)
        #expect(result.duplicateCount == 3)
        #expect(result.uniqueCount == 80)
        #expect(result.coordinates.row(80) == result.coordinates.row(3))
        #expect(result.coordinates.row(81) == result.coordinates.row(3))
        #expect(result.coordinates.row(82) == result.coordinates.row(50))
        #expect(result.notices.contains { $0.contains("3 duplicate rows") })
    }

    @Test("bad input: too few points, NaN row, min_dist > spread, D = 0")
    func badInput() {
        #expect(throws: UMAPError.tooFewPoints(count: 2)) { try UMAP().fit(Matrix([[1, 2], [3, 4]])) }
        var rows: [[Float]] = (0..<10).map { [Float($0), 1] }
        rows[7][1] = .nan
        #expect(throws: UMAPError.nonFiniteRow(row: 8)) { try UMAP().fit(Matrix(rows)) }
        rows[7][1] = .infinity
        #expect(throws: UMAPError.nonFiniteRow(row: 8)) { try UMAP().fit(Matrix(rows)) }
        #expect(throws: UMAPError.self) { try UMAP(configuration: UMAPConfiguration(minDistance: 2, spread: 1)).fit(Matrix([[1], [2], [3]])) }
        #expect(throws: UMAPError.emptyDimension) { try UMAP().fit(Matrix(rows: 5, columns: 0)) }
        #expect(UMAPError.nonFiniteRow(row: 8).description.contains("row 8"))
    }

    @Test("few points: n_neighbors is clamped with a notice")
    func clampsNeighbors() throws {
        let (data, _) = blobs(centers: [[3, 1, 0], [0, 1, 3]], perCluster: 5, seed: 3)
        let result = try UMAP(configuration: UMAPConfiguration(epochCount: 30)).fit(data)
        #expect(result.graphNeighborCount == 9)
        #expect(result.notices.contains { $0.contains("clamped") })
        #expect(result.coordinates.storage.allSatisfy { $0.isFinite })
    }

    @Test("all-identical rows: no crash, one point, a notice")
    func allIdentical() throws {
        let data = Matrix(Array(repeating: [0.5, 0.25, 1], count: 20))
        let result = try UMAP().fit(data)
        #expect(result.uniqueCount == 1 && result.duplicateCount == 19)
        #expect(Set(result.coordinates.storage).count == 1)
        #expect(!result.notices.isEmpty)
    }

    @Test("D = 1: cosine distances are 0 or 2; the layout still completes")
    func oneDimension() throws {
        var values: [Float] = []
        for i in 0..<40 { let v = Float(i + 1); values.append(i % 2 == 0 ? v : -v) }
        let data = Matrix(rows: 40, columns: 1, storage: values)
        let result = try UMAP(configuration: UMAPConfiguration(epochCount: 30)).fit(data)
        #expect(result.coordinates.storage.allSatisfy { $0.isFinite })
        #expect(result.componentCount >= 2)
    }

    @Test("a precomputed graph gives the same layout as the built-in search")
    func precomputedGraph() throws {
        // The built-in exact search finds the brute-force neighbours; handed in as a precomputed graph,
        // that same graph gives bit-identical coordinates. (Distances are compared with a tolerance only:
        // the GEMM's rounding differs from the scalar loop's by a few ulps, and SGD amplifies any such
        // difference, so the layouts of two graphs that differ in the last bit need not agree.)
        let (data, _) = blobs(centers: [[3, 0, 1], [0, 3, 1]], perCluster: 50, seed: 6)
        let config = UMAPConfiguration(epochCount: 40)
        let search = try NearestNeighbors.build(data, configuration: KNNConfiguration(neighborCount: 14, method: .exact))
        let reference = bruteForceKNN(data, k: 14)
        for i in 0..<data.rows {
            let found = Set(search.indices[(i * 14)..<((i + 1) * 14)]), expected = Set(reference.indices[(i * 14)..<((i + 1) * 14)])
            #expect(found == expected || zip(search.distances[(i * 14)..<((i + 1) * 14)], reference.distances[(i * 14)..<((i + 1) * 14)]).allSatisfy { abs($0 - $1) < 1e-5 },
                    "row \(i): neighbours differ")
        }
        let built = try UMAP(configuration: config).fit(data)
        let given = try UMAP(configuration: config).fit(data, graph: search)
        #expect(built.coordinates.storage == given.coordinates.storage)
    }
}

func maxAbsoluteDifferenceOf(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
