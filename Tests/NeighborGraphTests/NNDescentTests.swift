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
        let again = NNDescent.graph(data, neighborCount: 8, seed: 99, threads: 2)
        #expect(one == two)
        #expect(two == again)
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
}
