import LinearAlgebra
import MicseSupport
import Testing
@testable import NeighborGraph

@Suite("Front end: methods, clamping and bad input")
struct NearestNeighborsTests {
    @Test("auto picks exact below the limit and approximate from it")
    func autoMethod() throws {
        let below = try NearestNeighbors.plan(pointCount: KNNConfiguration.exactSearchLimit - 1, configuration: KNNConfiguration())
        let from = try NearestNeighbors.plan(pointCount: KNNConfiguration.exactSearchLimit, configuration: KNNConfiguration())
        #expect(below.method == .exact)
        #expect(from.method == .approximate)
        let forced = try NearestNeighbors.plan(pointCount: 100, configuration: KNNConfiguration(method: .approximate))
        #expect(forced.method == .approximate)
    }

    @Test("k ≥ N is clamped to N − 1 and flagged")
    func clamping() throws {
        let data = TestData.uniform(rows: 6, columns: 3, seed: 1)
        let plan = try NearestNeighbors.plan(pointCount: 6, configuration: KNNConfiguration(neighborCount: 15))
        #expect(plan.neighborCount == 5 && plan.neighborCountWasClamped)
        for method in [KNNMethod.exact, .approximate] {
            let graph = try NearestNeighbors.build(data, configuration: KNNConfiguration(neighborCount: 15, method: method))
            #expect(graph.neighborCount == 5)
            #expect(graph.invariantViolation() == nil)
            // With k = N − 1 every other point is listed, whatever the method.
            #expect(graph == ExactCosineSearch.naiveGraph(data, neighborCount: 5) || graph.recall(against: ExactCosineSearch.naiveGraph(data, neighborCount: 5)) == 1)
        }
        let fine = try NearestNeighbors.plan(pointCount: 100, configuration: KNNConfiguration(neighborCount: 15))
        #expect(!fine.neighborCountWasClamped)
    }

    @Test("fewer than two points, zero dimension and k < 1 are rejected with a clear message")
    func tooSmall() {
        #expect(throws: NeighborGraphError.tooFewPoints(count: 1)) {
            try NearestNeighbors.build(Matrix(rows: 1, columns: 4))
        }
        #expect(throws: NeighborGraphError.tooFewPoints(count: 0)) {
            try NearestNeighbors.build(Matrix(rows: 0, columns: 4))
        }
        #expect(throws: NeighborGraphError.emptyVectors) {
            try NearestNeighbors.build(Matrix(rows: 5, columns: 0))
        }
        #expect(throws: NeighborGraphError.invalidNeighborCount(0)) {
            try NearestNeighbors.build(Matrix(rows: 5, columns: 2), configuration: KNNConfiguration(neighborCount: 0))
        }
        #expect(NeighborGraphError.tooFewPoints(count: 1).description == "cannot build a neighbour graph of 1 point: at least 2 are needed")
    }

    @Test("a NaN or infinite value is reported by 1-based row", arguments: [Float.nan, .infinity, -.infinity])
    func nonFinite(value: Float) {
        var data = TestData.uniform(rows: 10, columns: 3, seed: 2)
        data[6, 2] = value
        #expect(throws: NeighborGraphError.nonFiniteValue(row: 7, column: 3)) { try NearestNeighbors.build(data) }
        let message = NeighborGraphError.nonFiniteValue(row: 7, column: 3).description
        #expect(message.hasPrefix("row 7 has a non-finite value"))
        #expect(!message.contains("\n"))
    }

    @Test("D = 1: neighbours are the points of the same sign, nearest first by index")
    func oneDimension() throws {
        let data = Matrix(rows: 6, columns: 1, storage: [1, -2, 3, -0.5, 4, 0])
        let graph = try NearestNeighbors.build(data, configuration: KNNConfiguration(neighborCount: 2, method: .exact))
        #expect(graph.invariantViolation() == nil)
        #expect(Array(graph.indices[0..<2]) == [2, 4])     // row 1 (positive): other positives
        #expect(Array(graph.indices[2..<4]) == [3, 5])     // row 2 (negative): the other negative, then the zero row
        #expect(Array(graph.distances[2..<4]) == [0, 1])
        #expect(Array(graph.distances[0..<2]) == [0, 0])
    }

    @Test("all-identical rows: distance ≈ 0 everywhere, neighbours in index order, no self")
    func allIdentical() throws {
        let data = Matrix(rows: 30, columns: 8, storage: [Float](repeating: 0.25, count: 240))
        for method in [KNNMethod.exact, .approximate] {
            let graph = try NearestNeighbors.build(data, configuration: KNNConfiguration(neighborCount: 5, method: method))
            #expect(graph.invariantViolation() == nil)
            // 1 − x̂·x̂ is 0 up to the rounding of the normalisation (a few ulps of 1).
            #expect(graph.distances.allSatisfy { $0 <= 1e-6 })
            if method == .exact {
                #expect(Array(graph.indices[0..<5]) == [1, 2, 3, 4, 5])
                #expect(Array(graph.indices[(7 * 5)..<(8 * 5)]) == [0, 1, 2, 3, 4])
            }
        }
    }
}

@Suite("Duplicate rows")
struct DuplicateRowsTests {
    @Test("unique rows, representatives and the count, on seeded repeats")
    func findsRepeats() {
        let base = TestData.uniform(rows: 50, columns: 6, seed: 8)
        let (data, source) = TestData.withRepeats(base, copies: 30, seed: 9)
        let result = DuplicateRows.find(data)
        #expect(result.unique.rows == 50)
        #expect(result.duplicateCount == 30)
        for i in 0..<data.rows {
            #expect(result.unique.row(Int(result.representative[i])) == data.row(i))
            #expect(base.row(source[i]) == data.row(i))
        }
        // Representatives are the first occurrences, in input order.
        var seen = Set<Int32>(), next: Int32 = 0
        for r in result.representative where !seen.contains(r) { #expect(r == next); seen.insert(r); next += 1 }
    }

    @Test("near-duplicates and signed zeros stay distinct; no duplicates gives the identity")
    func bitwise() {
        let data = Matrix([[1, 2], [1, 2.0000002], [0, 1], [-0.0, 1], [1, 2]])
        let result = DuplicateRows.find(data)
        #expect(result.representative == [0, 1, 2, 3, 0])
        #expect(result.duplicateCount == 1)
        let plain = DuplicateRows.find(TestData.uniform(rows: 20, columns: 3, seed: 1))
        #expect(plain.representative == (0..<20).map { Int32($0) } && plain.duplicateCount == 0)
    }
}

@Suite("KNNGraph helpers")
struct KNNGraphTests {
    @Test("invariant checks catch self-loops, repeats and unsorted rows")
    func invariants() {
        let good = KNNGraph(pointCount: 3, neighborCount: 2, indices: [1, 2, 0, 2, 0, 1], distances: [0.1, 0.2, 0.1, 0.3, 0.2, 0.3])
        #expect(good.invariantViolation() == nil)
        var selfLoop = good; selfLoop.indices[0] = 0
        #expect(selfLoop.invariantViolation() == "row 1 lists itself")
        var repeated = good; repeated.indices[1] = 1
        #expect(repeated.invariantViolation() == "row 1 lists 1 twice")
        var unsorted = good; unsorted.distances[0] = 0.5
        #expect(unsorted.invariantViolation() == "row 1: distances do not ascend at slot 1")
        #expect(good.recall(against: good) == 1)
        var half = good; half.indices[0] = 2; half.indices[1] = 1
        #expect(half.recall(against: good) == 1)
        var worse = good; worse.indices[2] = 2; worse.indices[3] = 1
        #expect(abs(worse.recall(against: good) - 5.0 / 6.0) < 1e-12)
    }
}
