import Foundation
import LinearAlgebra
import MicseSupport

/// Exact cosine k-nearest neighbours by blocked GEMM of the L2-normalised rows.
///
/// Notation: N points of dimension D, k neighbours, X̂ the rows of X scaled to unit length,
/// s(i, j) = x̂ᵢ·x̂ⱼ the cosine similarity, distance d(i, j) = max(0, 1 − s(i, j)).
///
/// Method (faiss `IndexFlatIP` / scikit-learn `pairwise_distances_chunked` in spirit, plus symmetry):
/// the N×N similarity matrix is never stored. It is cut into T×T tiles; only the tiles on and above
/// the diagonal are computed (S is symmetric), each by one `sgemm` X̂_I · X̂_Jᵀ, and every value of a
/// tile is offered twice: to row i's list (as candidate j) and to row j's list (as candidate i).
/// That halves the GEMM work of a plain row-block search. Selection keeps a sorted top-k buffer per
/// row with its worst similarity mirrored in a contiguous array, so 16 candidates at a time are
/// rejected by one vector comparison; only the rare survivors take the scalar insertion path.
///
/// Parallelism: the tile pairs are shared out among worker threads, each running single-threaded
/// BLAS into its own tile buffer and its own top-k lists for all N rows (so no locks in the hot
/// loop); the per-worker lists are merged at the end. Each pair (i, j) is computed exactly once,
/// by a tile that does not depend on the thread count, and lists are ordered by "similarity
/// descending, then index ascending", so the graph is the same for any thread count.
///
/// Memory: workers × (T² floats + N·k·8 bytes), never N².
public enum ExactCosineSearch {
    /// How the two cores are used.
    public enum Strategy: String, Sendable, CaseIterable {
        /// Symmetric tiles shared among workers, single-threaded BLAS in each (default, faster).
        case parallelTiles
        /// One worker; OpenBLAS threads the GEMM and the selection runs on one core.
        case threadedGEMM
    }

    /// Tile edge T. 512 keeps a tile (1 MiB) in a Zen 4 core's L2 while it is scanned.
    public static let defaultTileSize = 512

    /// The k nearest neighbours of every row by cosine distance.
    ///
    /// - Parameters:
    ///   - data: (N, D) row-major, finite values, N ≥ 2 (validated by `NearestNeighbors.build`).
    ///   - neighborCount: k, 1 ≤ k ≤ N − 1.
    ///   - threads: worker threads (`nil`: all cores).
    /// - Returns: the graph, rows sorted by ascending distance (ties: smaller index first), no self.
    /// - Complexity: N²·D multiply-adds (half of a full X̂X̂ᵀ) plus O(N²) comparisons.
    public static func graph(_ data: Matrix, neighborCount k: Int, threads: Int? = nil,
                             strategy: Strategy = .parallelTiles, tileSize: Int = defaultTileSize,
                             progress: any ProgressReporter = SilentProgress()) -> KNNGraph {
        let n = data.rows
        precondition(n >= 2 && k >= 1 && k < n, "ExactCosineSearch: need 1 ≤ k < N (k = \(k), N = \(n))")
        let normalized = data.l2Normalized()
        let tile = max(16, tileSize)
        let blockCount = (n + tile - 1) / tile
        var pairs: [(Int, Int)] = []
        pairs.reserveCapacity(blockCount * (blockCount + 1) / 2)
        for i in 0..<blockCount { for j in i..<blockCount { pairs.append((i, j)) } }

        let threadCount = resolvedThreadCount(threads)
        let workers = strategy == .threadedGEMM ? 1 : min(threadCount, pairs.count)
        let previousBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(strategy == .threadedGEMM ? threadCount : 1)
        defer { BLAS.setThreadCount(previousBLASThreads) }

        let lists = (0..<workers).map { _ in TopKLists.allocate(rows: n, k: k) }
        defer { lists.forEach { $0.deallocate() } }
        let queue = WorkQueue(count: pairs.count)
        let dimension = data.columns
        normalized.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress else { return }
            let shared = UnsafeSendableBox((base, lists, pairs))
            parallelFor(chunks: workers, threads: workers) { worker in
                let (x, lists, pairs) = shared.value
                let own = lists[worker]
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: tile * tile)
                defer { buffer.deallocate() }
                while let p = queue.next() {
                    progress.progress(stage: "knn", done: p, total: pairs.count)   // pairs handed out so far
                    let (bi, bj) = pairs[p]
                    let rowStart = bi * tile, rowCount = min(tile, n - rowStart)
                    let columnStart = bj * tile, columnCount = min(tile, n - columnStart)
                    BLAS.sgemm(.noTranspose, .transpose, m: rowCount, n: columnCount, k: dimension,
                               a: x + rowStart * dimension, lda: dimension,
                               b: x + columnStart * dimension, ldb: dimension,
                               c: buffer, ldc: columnCount)
                    scanSymmetricTile(buffer, rowStart: rowStart, rowCount: rowCount,
                                      columnStart: columnStart, columnCount: columnCount,
                                      diagonal: bi == bj, into: own)
                }
            }
        }
        mergeLists(lists, rows: n, threads: threadCount)
        return makeGraph(lists[0], rows: n, k: k)
    }

    /// The k nearest neighbours of selected rows only (each row excluded from its own list), by
    /// row blocks of the queries against column tiles of all rows. Used to measure the recall of
    /// an approximate graph on a sample when the full exact graph is too expensive.
    ///
    /// - Returns: (rows.count, k) row-major indices and distances, in the order of `rows`.
    public static func neighbors(ofRows rows: [Int], in data: Matrix, neighborCount k: Int,
                                 threads: Int? = nil) -> (indices: [Int32], distances: [Float]) {
        let n = data.rows, q = rows.count
        precondition(k >= 1 && k < n && rows.allSatisfy { (0..<n).contains($0) }, "neighbors(ofRows:): bad rows or k")
        guard q > 0 else { return ([], []) }
        let normalized = data.l2Normalized()
        let queries = normalized.selectingRows(rows)
        let tile = defaultTileSize
        let queryBlocks = (q + tile - 1) / tile
        let previousBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(1)
        defer { BLAS.setThreadCount(previousBLASThreads) }
        let lists = TopKLists.allocate(rows: q, k: k)
        defer { lists.deallocate() }
        let dimension = data.columns
        normalized.withUnsafeBufferPointer { x in
            queries.withUnsafeBufferPointer { qp in
                guard let xb = x.baseAddress, let qb = qp.baseAddress else { return }
                let shared = UnsafeSendableBox((xb, qb))
                parallelFor(chunks: queryBlocks, threads: resolvedThreadCount(threads)) { block in
                    let (x, queries) = shared.value
                    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: tile * tile)
                    defer { buffer.deallocate() }
                    let rowStart = block * tile, rowCount = min(tile, q - rowStart)
                    for columnStart in stride(from: 0, to: n, by: tile) {
                        let columnCount = min(tile, n - columnStart)
                        BLAS.sgemm(.noTranspose, .transpose, m: rowCount, n: columnCount, k: dimension,
                                   a: queries + rowStart * dimension, lda: dimension,
                                   b: x + columnStart * dimension, ldb: dimension,
                                   c: buffer, ldc: columnCount)
                        for r in 0..<rowCount {
                            let row = rowStart + r, own = rows[row]
                            let values = buffer + r * columnCount
                            for c in 0..<columnCount where values[c] >= lists.worst[row] && columnStart + c != own {
                                lists.offer(row: row, similarity: values[c], index: Int32(columnStart + c))
                            }
                        }
                    }
                }
            }
        }
        let graph = makeGraph(lists, rows: q, k: k)
        return (graph.indices, graph.distances)
    }

    /// Reference and test oracle: every pair by a plain Double dot product, full sort per row
    /// (llm.c's `matmul_forward_naive`). Same ordering rule as `graph`. O(N²·D), small N only.
    public static func naiveGraph(_ data: Matrix, neighborCount k: Int) -> KNNGraph {
        let n = data.rows, d = data.columns
        precondition(n >= 2 && k >= 1 && k < n, "naiveGraph: need 1 ≤ k < N")
        var unit = [[Double]](repeating: [], count: n)
        for i in 0..<n {
            let row = data.row(i).map(Double.init)
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            unit[i] = norm > 0 ? row.map { $0 / norm } : row
        }
        var indices: [Int32] = [], distances: [Float] = []
        indices.reserveCapacity(n * k)
        distances.reserveCapacity(n * k)
        for i in 0..<n {
            var candidates: [(similarity: Double, index: Int)] = []
            for j in 0..<n where j != i {
                var s = 0.0
                for t in 0..<d { s += unit[i][t] * unit[j][t] }
                candidates.append((s, j))
            }
            candidates.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.index < $1.index }
            for c in candidates.prefix(k) {
                indices.append(Int32(c.index))
                distances.append(Float(max(0, 1 - c.similarity)))
            }
        }
        return KNNGraph(pointCount: n, neighborCount: k, indices: indices, distances: distances)
    }

    // MARK: - Kernels

    /// Offers every value of one tile S[I, J] to both of its rows' lists: row i gets candidate j,
    /// row j gets candidate i. On a diagonal tile (I = J) only the strict upper triangle is read,
    /// which covers every pair once and skips the self-similarities.
    ///
    /// - Parameter tile: (rowCount, columnCount) row-major similarities, rows `rowStart…`, columns `columnStart…`.
    @inline(__always)
    static func scanSymmetricTile(_ tile: UnsafePointer<Float>, rowStart: Int, rowCount: Int,
                                  columnStart: Int, columnCount: Int, diagonal: Bool, into lists: TopKLists) {
        let worstOfColumns = lists.worst + columnStart
        for r in 0..<rowCount {
            let row = rowStart + r
            let values = tile + r * columnCount
            var c = diagonal ? r + 1 : 0
            @inline(__always) func offerBoth(_ c: Int) {
                let v = values[c]
                if v >= lists.worst[row] { lists.offer(row: row, similarity: v, index: Int32(columnStart + c)) }
                if v >= worstOfColumns[c] { lists.offer(row: columnStart + c, similarity: v, index: Int32(row)) }
            }
            let rowWorst = SIMD16<Float>(repeating: lists.worst[row])   // only rises within the row: safe to reject against
            while c + 16 <= columnCount {
                // Is v ≥ worst[row] or v ≥ worst[column] anywhere in 16 lanes? Two vector compares
                // and mask tests; candidates are rare. (Explicit SIMD compares of two vectors: LLVM
                // compiled the equivalent scalar `hit |=` loop, and also `pointwiseMin` and a mask
                // `.|`, lane by lane, which took a quarter of the exact search's time.)
                let v = UnsafeRawPointer(values + c).loadUnaligned(as: SIMD16<Float>.self)
                let columnWorst = UnsafeRawPointer(worstOfColumns + c).loadUnaligned(as: SIMD16<Float>.self)
                if any(v .>= rowWorst) || any(v .>= columnWorst) {
                    for t in c..<(c + 16) { offerBoth(t) }
                }
                c += 16
            }
            while c < columnCount { offerBoth(c); c += 1 }
        }
    }

    /// Folds the lists of workers 1… into worker 0's, row by row (rows in parallel).
    static func mergeLists(_ lists: [TopKLists], rows: Int, threads: Int) {
        guard lists.count > 1 else { return }
        let chunks = min(rows, 4 * threads)
        let shared = UnsafeSendableBox(lists)
        parallelFor(chunks: chunks, threads: threads) { chunk in
            let lists = shared.value, target = lists[0], k = target.k
            for row in chunkRange(chunk, of: chunks, count: rows) {
                for source in lists.dropFirst() {
                    for slot in (row * k)..<(row * k + k) where source.indices[slot] != .max {
                        target.offer(row: row, similarity: source.similarities[slot], index: source.indices[slot])
                    }
                }
            }
        }
    }

    static func makeGraph(_ lists: TopKLists, rows: Int, k: Int) -> KNNGraph {
        let count = rows * k
        let indices = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = lists.indices[i] }
            initialized = count
        }
        let distances = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = max(0, 1 - lists.similarities[i]) }
            initialized = count
        }
        return KNNGraph(pointCount: rows, neighborCount: k, indices: indices, distances: distances)
    }
}

/// Hands out the integers 0..<count, one at a time, to whichever worker asks first.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextValue = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextValue < count else { return nil }
        nextValue += 1
        return nextValue - 1
    }
}

extension ExactCosineSearch {
    /// A graph from NN-descent's lists (distances already clamped and ascending).
    static func makeGraph(from lists: NeighborLists, rows: Int) -> KNNGraph {
        let count = rows * lists.k
        let indices = [Int32](UnsafeBufferPointer(start: lists.indices, count: count))
        let distances = [Float](UnsafeBufferPointer(start: lists.distances, count: count))
        return KNNGraph(pointCount: rows, neighborCount: lists.k, indices: indices, distances: distances)
    }
}
