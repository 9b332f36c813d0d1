import LinearAlgebra
import TestSupport
import Testing
@testable import NeighborGraph

/// Checks `found` against the naive Double oracle: same distances within `tolerance`, and every
/// listed neighbour is truly among the k nearest up to that tolerance (float rounding may swap
/// near-tied candidates; exact ties must follow the index order).
func expectMatchesOracle(_ found: KNNGraph, _ data: Matrix, tolerance: Float = 2e-6, sourceLocation: SourceLocation = #_sourceLocation) {
    let oracle = ExactCosineSearch.naiveGraph(data, neighborCount: found.neighborCount)
    #expect(found.invariantViolation() == nil, sourceLocation: sourceLocation)
    let k = found.neighborCount
    var mismatchedRows = 0
    for i in 0..<found.pointCount {
        let kth = oracle.distances[i * k + k - 1]
        for slot in 0..<k {
            let j = Int(found.indices[i * k + slot])
            let oracleRow = Array(oracle.indices[(i * k)..<(i * k + k)])
            // True distance of the found neighbour, from the oracle's definition.
            let a = data.row(i).map(Double.init), b = data.row(j).map(Double.init)
            var dot = 0.0, na = 0.0, nb = 0.0
            for t in a.indices { dot += a[t] * b[t]; na += a[t] * a[t]; nb += b[t] * b[t] }
            let trueDistance = Float(max(0, 1 - (na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0)))
            let ok = abs(trueDistance - found.distances[i * k + slot]) <= tolerance
                && (oracleRow.contains(Int32(j)) || trueDistance <= kth + tolerance)
                && abs(found.distances[i * k + slot] - oracle.distances[i * k + slot]) <= tolerance
            if !ok { mismatchedRows += 1; break }
        }
    }
    #expect(mismatchedRows == 0, "\(mismatchedRows) rows differ from the naive oracle", sourceLocation: sourceLocation)
}

@Suite("Exact cosine search")
struct ExactCosineSearchTests {
    @Test("blocked GEMM search equals brute force", arguments: [
        (rows: 50, columns: 7, k: 5, tile: 16), (rows: 300, columns: 33, k: 15, tile: 64),
        (rows: 301, columns: 1, k: 4, tile: 32), (rows: 97, columns: 384, k: 96, tile: 512),
    ])
    func matchesBruteForce(rows: Int, columns: Int, k: Int, tile: Int) {
        let data = TestData.uniform(rows: rows, columns: columns, seed: UInt64(rows * 31 + columns))
        for strategy in ExactCosineSearch.Strategy.allCases {
            let graph = ExactCosineSearch.graph(data, neighborCount: k, threads: 2, strategy: strategy, tileSize: tile)
            expectMatchesOracle(graph, data)
        }
    }

    @Test("exact ties and repeated rows follow the index order, the same for any thread count and tile")
    func tiesAreStable() {
        let (data, _) = TestData.withRepeats(TestData.tied(rows: 120, columns: 3, seed: 5), copies: 80, seed: 6)
        let oracle = ExactCosineSearch.naiveGraph(data, neighborCount: 10)
        let one = ExactCosineSearch.graph(data, neighborCount: 10, threads: 1, tileSize: 16)
        let two = ExactCosineSearch.graph(data, neighborCount: 10, threads: 2, tileSize: 48)
        #expect(one.invariantViolation() == nil)
        #expect(one.indices == two.indices)
        // Small integer vectors give similarities that float GEMM computes exactly up to the
        // normalisation's rounding; the neighbour sets must agree with the oracle's ties.
        expectMatchesOracle(one, data, tolerance: 1e-6)
        #expect(one.recall(against: oracle) > 0.99)
    }

    @Test("rows asked for alone get the same neighbours as in the full graph")
    func selectedRows() {
        let data = TestData.blobs(rows: 700, columns: 20, clusters: 6, spread: 0.5, seed: 9)
        let graph = ExactCosineSearch.graph(data, neighborCount: 12, threads: 2)
        let rows = [0, 5, 699, 350, 123]
        let (indices, distances) = ExactCosineSearch.neighbors(ofRows: rows, in: data, neighborCount: 12, threads: 2)
        for (r, i) in rows.enumerated() {
            #expect(Array(indices[(r * 12)..<(r * 12 + 12)]) == Array(graph.indices[(i * 12)..<(i * 12 + 12)]))
            // GEMM rounding depends on a value's position in the tile: equal within a few ulps.
            #expect(maxAbsoluteDifference(Array(distances[(r * 12)..<(r * 12 + 12)]), Array(graph.distances[(i * 12)..<(i * 12 + 12)])) < 1e-6)
        }
        #expect(graph.recall(ofRows: rows, against: indices) == 1)
    }
}
