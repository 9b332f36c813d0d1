import MicseSupport

/// The SGD stage of UMAP as resumable state (umappp `Status`): build it from the pruned fuzzy
/// graph and initial coordinates, then `run(untilEpoch:)` any number of times.
///
/// Before the first epoch the coordinates are rescaled to [0, 10] per dimension, as umap-learn's
/// `simplicial_set_embedding` does before `optimize_layout_euclidean`. The learning rate of epoch n
/// is α₀ for n = 0 and α₀·(1 − (n − 1)/n_epochs) after, as umap-learn updates it after each epoch.
public struct LayoutOptimizer: Sendable {
    public let graph: SparseGraph
    public let dimension: Int
    public let epochCount: Int
    public private(set) var epoch = 0
    /// (n, dimension) row-major coordinates.
    public private(set) var embedding: [Float]
    var schedule: EdgeSchedule
    let a: Float, b: Float, gamma: Float, initialAlpha: Float
    let negativeSampleRate: Int
    let seed: UInt64
    /// Fixed vertex chunks (depend on n only, never on the thread count).
    let chunkCount: Int

    /// - Parameters:
    ///   - graph: pruned symmetric fuzzy graph.
    ///   - initial: (n, dimension) initial coordinates.
    ///   - seed: the optimisation seed (negative sampling streams).
    public init(graph: SparseGraph, initial: [Float], dimension: Int, epochCount: Int, a: Double, b: Double,
                repulsionStrength: Double, learningRate: Double, negativeSampleRate: Int, seed: UInt64) {
        precondition(initial.count == graph.pointCount * dimension, "initial coordinates do not match the graph")
        self.graph = graph
        self.dimension = dimension
        self.epochCount = epochCount
        self.schedule = EdgeSchedule(graph: graph, epochCount: epochCount, negativeSampleRate: negativeSampleRate)
        self.a = Float(a); self.b = Float(b)
        self.gamma = Float(repulsionStrength); self.initialAlpha = Float(learningRate)
        self.negativeSampleRate = negativeSampleRate
        self.seed = seed
        // 64 chunks: enough for load balance on a few cores, and long enough (~190 vertices at
        // N = 12k) that the 16 SIMD lanes of the kernel rarely run idle at a chunk's end.
        self.chunkCount = max(1, min(graph.pointCount, 64))
        self.embedding = LayoutOptimizer.rescaledToTen(initial, rows: graph.pointCount, columns: dimension)
    }

    /// 10·(x − min)/(max − min) per column (a constant column becomes 0).
    static func rescaledToTen(_ values: [Float], rows: Int, columns: Int) -> [Float] {
        var out = values
        for c in 0..<columns {
            var lo = Float.infinity, hi = -Float.infinity
            for i in 0..<rows { lo = min(lo, values[i * columns + c]); hi = max(hi, values[i * columns + c]) }
            let range = hi - lo
            for i in 0..<rows { out[i * columns + c] = range > 0 ? 10 * (values[i * columns + c] - lo) / range : 0 }
        }
        return out
    }

    /// Runs epochs until `untilEpoch` (clamped to `epochCount`) on `threads` threads.
    public mutating func run(untilEpoch: Int, threads: Int, progress: ProgressReporter = SilentProgress()) {
        let n = graph.pointCount
        let end = min(untilEpoch, epochCount)
        guard epoch < end, n > 0 else { return }
        var snapshot = embedding
        let workspace = dimension == 2
            ? PlanarWorkspace(rowOffsets: graph.rowOffsets, chunkCount: chunkCount, maxNegativesPerSample: 2 * negativeSampleRate + 2)
            : nil
        let reportEvery = max(1, epochCount / 100)
        let chunks = chunkCount
        while epoch < end {
            let alpha = epoch == 0 ? initialAlpha : initialAlpha * (1 - Float(epoch - 1) / Float(epochCount))
            let parameters = EpochParameters(a: a, b: b, gamma: gamma, alpha: alpha, epoch: epoch,
                                             dimension: dimension, pointCount: n,
                                             maxNegativesPerSample: 2 * negativeSampleRate + 2)
            snapshot.withUnsafeMutableBufferPointer { s in
                embedding.withUnsafeBufferPointer { e in s.baseAddress!.update(from: e.baseAddress!, count: e.count) }
            }
            let epochIndex = UInt64(epoch)
            embedding.withUnsafeMutableBufferPointer { emb in
                snapshot.withUnsafeBufferPointer { snap in
                    graph.rowOffsets.withUnsafeBufferPointer { offsets in
                        graph.columns.withUnsafeBufferPointer { cols in
                            schedule.epochsPerSample.withUnsafeBufferPointer { eps in
                                schedule.epochsPerNegativeSample.withUnsafeBufferPointer { epsNeg in
                                    schedule.epochOfNextSample.withUnsafeMutableBufferPointer { next in
                                        schedule.epochOfNextNegativeSample.withUnsafeMutableBufferPointer { nextNeg in
                                            let box = UnsafeSendableBox((emb.baseAddress!, snap.baseAddress!, offsets.baseAddress!,
                                                                         cols.baseAddress!, eps.baseAddress!, epsNeg.baseAddress!,
                                                                         next.baseAddress!, nextNeg.baseAddress!))
                                            let seed = self.seed
                                            parallelFor(chunks: chunks, threads: threads) { chunk in
                                                let (embP, snapP, offP, colP, epsP, negP, nextP, nextNegP) = box.value
                                                var sampler = NegativeSampler(SplitMix64.derived(from: seed, stream: epochIndex &* UInt64(chunks) &+ UInt64(chunk)))
                                                let vertices = chunkRange(chunk, of: chunks, count: n)
                                                if let workspace {
                                                    optimizePlanarEpochChunk(vertices: vertices, parameters: parameters,
                                                                             embedding: embP, snapshot: snapP, rowOffsets: offP, columns: colP,
                                                                             epochsPerSample: epsP, epochsPerNegativeSample: negP,
                                                                             epochOfNextSample: nextP, epochOfNextNegativeSample: nextNegP,
                                                                             workspace: workspace.chunk(chunk), sampler: &sampler)
                                                } else {
                                                    optimizeEpochChunk(vertices: vertices, parameters: parameters,
                                                                       embedding: embP, snapshot: snapP, rowOffsets: offP, columns: colP,
                                                                       epochsPerSample: epsP, epochsPerNegativeSample: negP,
                                                                       epochOfNextSample: nextP, epochOfNextNegativeSample: nextNegP,
                                                                       sampler: &sampler)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            epoch += 1
            if epoch % reportEvery == 0 || epoch == epochCount { progress.progress(stage: "layout", done: epoch, total: epochCount) }
        }
    }
}
