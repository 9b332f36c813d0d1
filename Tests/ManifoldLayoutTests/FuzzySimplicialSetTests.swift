import Foundation
import Testing
import LinearAlgebra
import MicseSupport
import NeighborGraph
@testable import ManifoldLayout

@Suite("Curve parameters a, b")
struct CurveFitTests {
    @Test("a, b match umap-learn's find_ab_params (scipy curve_fit)")
    func matchesUMAPLearn() throws {
        let fixture = try ABFixture.load()
        for c in fixture.cases {
            let (a, b) = CurveFit.fitAB(minDistance: c.min_dist, spread: c.spread)
            #expect(abs(a - c.a) < 1e-4 * max(1, c.a), "spread \(c.spread) min_dist \(c.min_dist): a \(a) vs \(c.a)")
            #expect(abs(b - c.b) < 1e-4 * max(1, c.b), "spread \(c.spread) min_dist \(c.min_dist): b \(b) vs \(c.b)")
        }
    }

    @Test("known values: (0.1, 1) → 1.577, 0.895; (0.05, 1) → 1.7502250, 0.8420554 (uwot)")
    func knownValues() {
        let (a1, b1) = CurveFit.fitAB(minDistance: 0.1, spread: 1)
        #expect(abs(a1 - 1.577) < 1e-3 && abs(b1 - 0.895) < 1e-3)
        let (a2, b2) = CurveFit.fitAB(minDistance: 0.05, spread: 1)
        #expect(abs(a2 - 1.7502250) < 1e-5, "a = \(a2)")
        #expect(abs(b2 - 0.8420554) < 1e-5, "b = \(b2)")
    }
}

@Suite("Smooth kNN distances and the fuzzy simplicial set")
struct FuzzySimplicialSetTests {
    @Test("memberships sum to log2(k + 1) within 1e-5 and do not increase along the neighbours",
          arguments: [(UInt64(1), 5), (2, 10), (3, 14), (4, 30)])
    func membershipSums(seed: UInt64, k: Int) {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<4).map { _ in (0..<8).map { _ in rng.nextDouble() * 6 - 3 } }
        let (data, _) = blobs(centers: centres, perCluster: 30, seed: seed)
        let graph = bruteForceKNN(data, k: k)
        let smooth = FuzzySimplicialSet.smoothKNNDistances(graph)
        let target = log2(Double(k + 1))
        for i in 0..<graph.pointCount {
            var sum = 0.0, previous = Double.infinity
            for e in (i * k)..<((i + 1) * k) {
                let m = FuzzySimplicialSet.membership(distance: Double(graph.distances[e]), rho: smooth.rho[i], sigma: smooth.sigma[i])
                #expect(m <= previous + 1e-12, "row \(i): membership increases")
                previous = m
                sum += m
            }
            #expect(abs(sum - target) < 1e-5, "row \(i): sum \(sum) vs log2(\(k + 1)) = \(target)")
        }
    }

    @Test("rho, sigma and the fuzzy graph equal umap-learn's on seeded blobs")
    func matchesUMAPLearn() throws {
        let fixture = try FuzzyFixture.load()
        let graph = fixture.graph
        for c in fixture.cases {
            let (fuzzy, smooth) = FuzzySimplicialSet.build(graph, localConnectivity: c.local_connectivity,
                                                          setOpMixRatio: c.set_op_mix_ratio)
            let label = "local_connectivity \(c.local_connectivity), mix \(c.set_op_mix_ratio)"
            for i in 0..<graph.pointCount {
                #expect(abs(smooth.rho[i] - c.rho[i]) <= 1e-6 * max(1, c.rho[i]), "\(label): rho[\(i)] \(smooth.rho[i]) vs \(c.rho[i])")
                #expect(abs(smooth.sigma[i] - c.sigma[i]) <= 1e-4 * c.sigma[i] + 1e-7, "\(label): sigma[\(i)] \(smooth.sigma[i]) vs \(c.sigma[i])")
            }
            #expect(fuzzy.edgeCount == c.values.count, "\(label): \(fuzzy.edgeCount) edges vs \(c.values.count)")
            var worst = 0.0
            for (t, value) in c.values.enumerated() {
                worst = max(worst, abs(Double(fuzzy.weight(c.rows[t], c.cols[t])) - value))
            }
            #expect(worst < 1e-4, "\(label): largest weight difference \(worst)")
        }
    }

    @Test("zero distances (duplicates, near-duplicates) give finite memberships in (0, 1]")
    func zeroDistances() {
        // Three identical points plus neighbours: rho skips the zero distances.
        var rows: [[Float]] = Array(repeating: [1, 0, 0], count: 3)
        var rng = SplitMix64(seed: 9)
        for _ in 0..<20 { rows.append([Float(rng.nextDouble()), Float(rng.nextDouble()), Float(rng.nextDouble())]) }
        let graph = bruteForceKNN(Matrix(rows), k: 5)
        let (fuzzy, smooth) = FuzzySimplicialSet.build(graph)
        #expect(smooth.sigma.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(fuzzy.weights.allSatisfy { $0 > 0 && $0 <= 1 })
        // Symmetric.
        for i in 0..<fuzzy.pointCount {
            for e in fuzzy.rowOffsets[i]..<fuzzy.rowOffsets[i + 1] {
                #expect(fuzzy.weight(Int(fuzzy.columns[e]), i) == fuzzy.weights[e])
            }
        }
    }
}
