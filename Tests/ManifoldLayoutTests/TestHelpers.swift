import Foundation
import LinearAlgebra
import MicseSupport
import NeighborGraph
@testable import ManifoldLayout

/// Brute-force cosine kNN (test oracle, O(n²·D)): k non-self neighbours, nearest first, ties by index.
func bruteForceKNN(_ data: Matrix, k: Int) -> KNNGraph {
    let n = data.rows
    let x = data.l2Normalized()
    var indices: [Int32] = [], distances: [Float] = []
    for i in 0..<n {
        var row: [(Float, Int)] = []
        for j in 0..<n where j != i {
            var dot: Float = 0
            for c in 0..<data.columns { dot += x[i, c] * x[j, c] }
            row.append((max(0, 1 - dot), j))
        }
        row.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        for (d, j) in row.prefix(k) { indices.append(Int32(j)); distances.append(d) }
    }
    return KNNGraph(pointCount: n, neighborCount: k, indices: indices, distances: distances)
}

/// Gaussian blobs around `centers` (each row a centre), `perCluster` points each, seeded.
func blobs(centers: [[Double]], perCluster: Int, scale: Double = 1, seed: UInt64) -> (Matrix, [Int]) {
    var rng = SplitMix64(seed: seed)
    var rows: [[Float]] = [], labels: [Int] = []
    for (label, centre) in centers.enumerated() {
        for _ in 0..<perCluster {
            rows.append(centre.map { Float($0 + scale * rng.nextGaussian()) })
            labels.append(label)
        }
    }
    return (Matrix(rows), labels)
}

/// Fraction of points whose 10 nearest 2-D neighbours (Euclidean) mostly share their label.
func neighbourLabelAgreement(_ coordinates: Matrix, labels: [Int], k: Int = 10) -> Double {
    let n = coordinates.rows
    var agree = 0
    for i in 0..<n {
        var d: [(Float, Int)] = []
        for j in 0..<n where j != i {
            var s: Float = 0
            for c in 0..<coordinates.columns { let t = coordinates[i, c] - coordinates[j, c]; s += t * t }
            d.append((s, j))
        }
        d.sort { $0.0 < $1.0 }
        let same = d.prefix(k).filter { labels[$0.1] == labels[i] }.count
        if same * 2 > k { agree += 1 }
    }
    return Double(agree) / Double(n)
}

func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
}

struct FuzzyFixture: Decodable {
    struct Case: Decodable {
        let local_connectivity: Double
        let set_op_mix_ratio: Double
        let rho: [Double]
        let sigma: [Double]
        let rows: [Int]
        let cols: [Int]
        let values: [Double]
    }
    let umap_learn: String
    let n_neighbors: Int
    let data: [[Double]]
    let labels: [Int]
    let knn_indices: [[Int]]
    let knn_dists: [[Double]]
    let cases: [Case]
    struct COO: Decodable { let n: Int; let rows: [Int]; let cols: [Int]; let values: [Double] }
    let spectral_graph: COO
    let spectral: [[Double]]

    /// umap-learn's connected fuzzy graph of the spectral case, as CSR.
    var spectralGraph: SparseGraph {
        let g = spectral_graph
        var offsets = [Int](repeating: 0, count: g.n + 1)
        for r in g.rows { offsets[r + 1] += 1 }
        for i in 0..<g.n { offsets[i + 1] += offsets[i] }
        return SparseGraph(pointCount: g.n, rowOffsets: offsets, columns: g.cols.map { Int32($0) }, weights: g.values.map { Float($0) })
    }

    static func load() throws -> FuzzyFixture {
        try JSONDecoder().decode(FuzzyFixture.self, from: Data(contentsOf: fixtureURL("umap_fuzzy_blobs.json")))
    }

    /// umap-learn's kNN without its self column, as a `KNNGraph`.
    var graph: KNNGraph {
        let n = knn_indices.count, k = n_neighbors - 1
        var indices: [Int32] = [], distances: [Float] = []
        for i in 0..<n {
            for j in 1...k { indices.append(Int32(knn_indices[i][j])); distances.append(Float(knn_dists[i][j])) }
        }
        return KNNGraph(pointCount: n, neighborCount: k, indices: indices, distances: distances)
    }
}

struct ABFixture: Decodable {
    struct Case: Decodable { let spread: Double; let min_dist: Double; let a: Double; let b: Double }
    let umap_learn: String
    let cases: [Case]
    static func load() throws -> ABFixture {
        try JSONDecoder().decode(ABFixture.self, from: Data(contentsOf: fixtureURL("umap_ab_params.json")))
    }
}
