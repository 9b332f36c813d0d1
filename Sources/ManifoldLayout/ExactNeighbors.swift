import Foundation
import LinearAlgebra
import MicseSupport
import NeighborGraph

/// Exact cosine k-nearest neighbours by blocked GEMM: a self-contained search used by `UMAP.fit`
/// when the caller gives no graph (the NeighborGraph module's search replaces it once merged).
///
/// Rows are L2-normalised; for a block of B query rows, S = X_B·Xᵀ (B × n) by `BLAS.sgemm`, then
/// each row keeps the k largest similarities other than itself (ties → lower index).
/// Distance = max(0, 1 − cos). A zero row has similarity 0 with everything (distance 1).
///
/// - Complexity: O(n²·D) flops, O(B·n) extra memory.
public func exactCosineNeighbors(_ data: Matrix, neighborCount k: Int, threads: Int) -> KNNGraph {
    let n = data.rows, dim = data.columns
    precondition(k >= 1 && k < n, "exactCosineNeighbors: need 1 ≤ k < n")
    let x = data.l2Normalized()
    let blockRows = 512
    var indices = [Int32](repeating: -1, count: n * k)
    var distances = [Float](repeating: 0, count: n * k)
    var similarities = [Float](repeating: 0, count: blockRows * n)
    var blockStart = 0
    while blockStart < n {
        let rows = min(blockRows, n - blockStart)
        x.withUnsafeBufferPointer { xp in
            similarities.withUnsafeMutableBufferPointer { sp in
                BLAS.sgemm(.noTranspose, .transpose, m: rows, n: n, k: dim,
                           a: xp.baseAddress! + blockStart * dim, lda: dim, b: xp.baseAddress!, ldb: dim,
                           c: sp.baseAddress!, ldc: n)
            }
        }
        let start = blockStart
        similarities.withUnsafeBufferPointer { sp in
            indices.withUnsafeMutableBufferPointer { ip in
                distances.withUnsafeMutableBufferPointer { dp in
                    let box = UnsafeSendableBox((sp.baseAddress!, ip.baseAddress!, dp.baseAddress!))
                    let chunks = min(rows, 16)
                    parallelFor(chunks: chunks, threads: threads) { chunk in
                        let (s, outIndex, outDistance) = box.value
                        var bestSim = [Float](repeating: -.infinity, count: k)
                        var bestIdx = [Int32](repeating: -1, count: k)
                        for r in chunkRange(chunk, of: chunks, count: rows) {
                            let i = start + r
                            for t in 0..<k { bestSim[t] = -.infinity; bestIdx[t] = -1 }
                            let row = s + r * n
                            for j in 0..<n where j != i {
                                let v = row[j]
                                if v <= bestSim[k - 1] { continue }   // ties keep the earlier (lower) index
                                var p = k - 1
                                while p > 0 && bestSim[p - 1] < v { bestSim[p] = bestSim[p - 1]; bestIdx[p] = bestIdx[p - 1]; p -= 1 }
                                bestSim[p] = v; bestIdx[p] = Int32(j)
                            }
                            for t in 0..<k {
                                outIndex[i * k + t] = bestIdx[t]
                                outDistance[i * k + t] = max(0, 1 - bestSim[t])
                            }
                        }
                    }
                }
            }
        }
        blockStart += rows
    }
    return KNNGraph(pointCount: n, neighborCount: k, indices: indices, distances: distances)
}
