import Foundation
import LinearAlgebra
import MicseSupport

/// Sequences laid end to end: token t of the batch belongs to sequence s when
/// `offsets[s] <= t < offsets[s + 1]`; `rows[s]` is the sequence's index in the caller's input.
struct PackedBatch {
    var ids: [Int32] = []
    var positions: [Int32] = []
    var offsets: [Int] = [0]
    var rows: [Int] = []
    var tokenCount: Int { ids.count }
    var sequenceCount: Int { rows.count }
    var longestSequence: Int { (0..<sequenceCount).map { offsets[$0 + 1] - offsets[$0] }.max() ?? 0 }

    init(sequences: [[Int32]], rows: [Int]) {
        self.rows = rows
        for r in rows {
            ids.append(contentsOf: sequences[r])
            positions.append(contentsOf: (0..<Int32(sequences[r].count)))
            offsets.append(ids.count)
        }
    }
}

/// Groups texts into packed batches: order by token length (longest first, ties by input index, so
/// the plan is deterministic), then fill each batch until the token budget or the text limit is
/// reached. Packing computes no padding at all; ordering by length keeps the attention work of the
/// batches even, which helps the workers finish together.
///
/// When the whole input holds fewer tokens than `workers` budgets, the budget shrinks to
/// ⌈tokens / workers⌉ (never below the longest text) so that every worker gets a batch. Only then does
/// the grouping depend on the thread count; results then differ by float rounding only.
func planBatches(lengths: [Int], tokenBudget: Int, maxBatchSize: Int, workers: Int) -> [[Int]] {
    guard !lengths.isEmpty else { return [] }
    let order = lengths.indices.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
    let total = lengths.reduce(0, +), longest = lengths[order[0]]
    var budget = tokenBudget
    if total < workers * tokenBudget { budget = max(longest, (total + workers - 1) / max(1, workers)) }
    var batches: [[Int]] = [], current: [Int] = [], tokens = 0
    for i in order {
        if !current.isEmpty && (tokens + lengths[i] > budget || current.count >= maxBatchSize) {
            batches.append(current); current = []; tokens = 0
        }
        current.append(i); tokens += lengths[i]
    }
    if !current.isEmpty { batches.append(current) }
    return batches
}

/// Hands out batch indices to workers and counts finished texts.
private final class BatchQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0, finished = 0
    let count: Int
    init(count: Int) { self.count = count }
    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
    func finish(_ texts: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        finished += texts
        return finished
    }
}

extension BertEncoder {
    /// Sentence vectors of already tokenised texts, in input order.
    ///
    /// - Parameters:
    ///   - sequences: token ids per text, `[CLS] … [SEP]` included, each 1 to `maxPositions` long.
    ///   - options: pooling, normalisation, batching and threads (`maxLength` is the tokenizer's
    ///     business and is not applied here).
    ///   - progress: receives ("embed", texts done, texts total) after each batch, from worker threads.
    /// - Returns: (N, H) row-major, row i for `sequences[i]`.
    /// - Throws: `EncoderError` for an id outside the vocabulary, an empty or too long sequence, or a
    ///   NaN/Inf in an output vector (naming the row).
    /// - Complexity: `flops(sequenceLength:)` per text; the plan (`planBatches`) computes no padding.
    public func embed(tokenIDs sequences: [[Int32]], options: EncoderOptions,
                      progress: any ProgressReporter = SilentProgress()) throws -> Matrix {
        try options.validate()
        let h = hiddenSize, vocabulary = configuration.vocabSize
        for (row, ids) in sequences.enumerated() {
            guard !ids.isEmpty, ids.count <= maxPositions else {
                throw EncoderError.sequenceLength(row: row, length: ids.count, limit: maxPositions)
            }
            for id in ids where id < 0 || Int(id) >= vocabulary {
                throw EncoderError.tokenIDOutOfRange(row: row, id: id, vocabularySize: vocabulary)
            }
        }
        var output = Matrix(rows: sequences.count, columns: h)
        guard !sequences.isEmpty else { return output }

        let threads = resolvedThreadCount(options.threadCount)
        let lengths = sequences.map(\.count)
        let plan = planBatches(lengths: lengths, tokenBudget: options.batchTokenBudget,
                               maxBatchSize: options.maxBatchSize, workers: threads)
        let capacity = plan.map { $0.reduce(0) { $0 + lengths[$1] } }.max() ?? 0
        let workers = min(threads, plan.count)
        let previousBLASThreads = BLAS.threadCount
        BLAS.setThreadCount(max(1, threads / workers))
        defer { BLAS.setThreadCount(previousBLASThreads) }

        // CLS pooling reads one row per sequence: the last layer computes only those (left in row s).
        let firstTokensOnly = options.pooling == .cls && !layers.isEmpty
        let queue = BatchQueue(count: plan.count)
        let total = sequences.count
        progress.progress(stage: "embed", done: 0, total: total)
        output.withUnsafeMutableBufferPointer { out in
            let base = UnsafeSendableBox(out.baseAddress!)
            parallelFor(chunks: workers, threads: workers) { _ in
                let workspace = EncoderWorkspace(tokenCapacity: capacity, longestSequence: lengths.max() ?? 0,
                                                 configuration: configuration)
                while let b = queue.take() {
                    let batch = PackedBatch(sequences: sequences, rows: plan[b])
                    forward(batch, workspace: workspace, firstTokensOnly: firstTokensOnly)
                    for s in 0..<batch.sequenceCount {
                        let start = firstTokensOnly ? s : batch.offsets[s]
                        let length = firstTokensOnly ? 1 : batch.offsets[s + 1] - batch.offsets[s]
                        poolSequence(workspace.hidden, width: h, start: start, length: length, pooling: options.pooling,
                                     out: base.value + batch.rows[s] * h)
                    }
                    progress.progress(stage: "embed", done: queue.finish(batch.sequenceCount), total: total)
                }
            }
        }
        if let row = output.firstNonFiniteRow() { throw EncoderError.nonFiniteOutput(row: row) }
        if options.normalize { output.normalizeRows() }
        return output
    }
}
