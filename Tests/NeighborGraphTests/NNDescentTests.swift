import LinearAlgebra
import Testing
@testable import NeighborGraph

@Suite("NN-descent")
struct NNDescentTests {
    @Test("recall@15 ≥ 0.97 on a seeded 384-D Gaussian mixture")
    func recallOnClusters() {
        let data = TestData.blobs(rows: 3000, columns: 384, clusters: 12, spread: 0.9, seed: 21)
        let exact = ExactCosineSearch.graph(data, neighborCount: 15, threads: 2)
        let (graph, statistics) = NNDescent.run(data, neighborCount: 15, seed: 7, threads: 2)
        #expect(graph.invariantViolation() == nil)
        let recall = graph.recall(against: exact)
        #expect(recall >= 0.97, "recall \(recall), \(statistics.iterations) iterations")
        #expect(statistics.iterations >= 1)
    }

    @Test("recall ≥ 0.97 on uniform data (no cluster structure to help)")
    func recallOnUniform() {
        let data = TestData.uniform(rows: 2000, columns: 16, seed: 3)
        let exact = ExactCosineSearch.graph(data, neighborCount: 10, threads: 2)
        let graph = NNDescent.graph(data, neighborCount: 10, seed: 1, threads: 2)
        #expect(graph.invariantViolation() == nil)
        #expect(graph.recall(against: exact) >= 0.97)
    }

    @Test("the graph depends on the seed, not on the thread count")
    func reproducible() {
        let data = TestData.blobs(rows: 1500, columns: 24, clusters: 5, spread: 0.7, seed: 2)
        let one = NNDescent.graph(data, neighborCount: 8, seed: 99, threads: 1)
        let two = NNDescent.graph(data, neighborCount: 8, seed: 99, threads: 2)
        let three = NNDescent.graph(data, neighborCount: 8, seed: 99, threads: 3)
        let again = NNDescent.graph(data, neighborCount: 8, seed: 99, threads: 2)
        #expect(one == two)
        #expect(one == three)
        #expect(two == again)
        #expect(NNDescent.graph(data, neighborCount: 8, seed: 100, threads: 2) != one)
    }

    @Test("repeated rows, tiny N and k = N − 1 give valid graphs", arguments: [(rows: 3, k: 2), (rows: 12, k: 11), (rows: 40, k: 5)])
    func smallAndDuplicated(rows: Int, k: Int) {
        let (data, _) = TestData.withRepeats(TestData.tied(rows: rows, columns: 4, seed: UInt64(rows)), copies: rows, seed: 4)
        let graph = NNDescent.graph(data, neighborCount: k, seed: 5, threads: 2)
        #expect(graph.invariantViolation() == nil)
        // Distances are true distances of the listed pairs.
        let exact = ExactCosineSearch.graph(data, neighborCount: k, threads: 1)
        #expect(graph.recall(against: exact) > 0.8)
    }

    @Test("the forest: each tree's leaves partition all points, are small, and do not depend on the thread count",
          arguments: [(rows: 2000, leafSize: 30), (rows: 301, leafSize: 7), (rows: 5, leafSize: 10)])
    func forestPartitions(rows: Int, leafSize: Int) {
        // Repeated rows force the half split (a plane through identical points leaves one side empty).
        let (data, _) = TestData.withRepeats(TestData.blobs(rows: rows / 2 + 1, columns: 40, clusters: 4, spread: 0.6, seed: 8),
                                             copies: rows - rows / 2 - 1, seed: 9)
        let unit = data.l2Normalized()
        let forests = [1, 2].map { threads in
            unit.withUnsafeBufferPointer { x in
                RandomProjectionForest.grow(x.baseAddress!, n: rows, dimension: 40, treeCount: 5, leafSize: leafSize,
                                            seed: 11, threads: threads)
            }
        }
        #expect(forests[0].orders == forests[1].orders)
        #expect(forests[0].leafStarts == forests[1].leafStarts)
        let forest = forests[0]
        #expect(forest.orders.count == 5)
        for tree in 0..<5 {
            #expect(forest.orders[tree].sorted() == (0..<rows).map { Int32($0) })
            let starts = forest.leafStarts[tree]
            #expect(starts.first == 0 && starts.last == Int32(rows))
            for leaf in 0..<(starts.count - 1) {
                #expect(starts[leaf] < starts[leaf + 1] && starts[leaf + 1] - starts[leaf] <= Int32(leafSize))
            }
        }
        // Different trees split differently.
        #expect(rows <= leafSize || forest.orders[0] != forest.orders[1])
    }

    @Test("four dot products at once equal four single ones", arguments: [1, 7, 8, 33, 384])
    func fourDotProducts(dimension: Int) {
        let data = TestData.uniform(rows: 5, columns: dimension, seed: UInt64(dimension))
        data.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            let four = dotProducts(x, x + dimension, x + 2 * dimension, x + 3 * dimension, x + 4 * dimension, dimension: dimension)
            for lane in 0..<4 {
                var reference = 0.0
                for t in 0..<dimension { reference += Double(x[t]) * Double(x[(lane + 1) * dimension + t]) }
                #expect(abs(Double(four[lane]) - reference) <= 1e-5 * Double(dimension), "lane \(lane)")
            }
        }
    }

    @Test("two rows against four give each row's four-lane results bit for bit", arguments: [1, 7, 8, 33, 384])
    func twoByFourDotProducts(dimension: Int) {
        let data = TestData.uniform(rows: 6, columns: dimension, seed: UInt64(100 + dimension))
        data.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            let ys = (2..<6).map { x + $0 * dimension }
            let (first, second) = dotProducts(x, x + dimension, ys[0], ys[1], ys[2], ys[3], dimension: dimension)
            #expect(first == dotProducts(x, ys[0], ys[1], ys[2], ys[3], dimension: dimension))
            #expect(second == dotProducts(x + dimension, ys[0], ys[1], ys[2], ys[3], dimension: dimension))
        }
    }
}
