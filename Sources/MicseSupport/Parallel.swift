import Foundation
import Dispatch

/// Runs `body(chunk)` for `chunk` in `0..<chunkCount` on up to `threads` threads and waits.
///
/// Results must not depend on which thread runs a chunk: callers give each chunk its own
/// output slice (and, where random, its own `SplitMix64.derived` stream), so the outcome is
/// the same for any thread count.
public func parallelFor(chunks chunkCount: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                        _ body: (Int) -> Void) {
    guard chunkCount > 0 else { return }
    let workers = max(1, min(threads, chunkCount))
    if workers == 1 {
        for chunk in 0..<chunkCount { body(chunk) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UnsafeSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in box.value(chunk) }
    }
}

/// Splits `0..<count` into `chunkCount` nearly equal contiguous ranges; range `i` of a split
/// depends only on `count`, `chunkCount` and `i`.
public func chunkRange(_ index: Int, of chunkCount: Int, count: Int) -> Range<Int> {
    let base = count / chunkCount, extra = count % chunkCount
    let start = index * base + min(index, extra)
    return start..<(start + base + (index < extra ? 1 : 0))
}

/// The number of worker threads to use: `requested` if given and positive, else all cores.
public func resolvedThreadCount(_ requested: Int?) -> Int {
    if let requested, requested > 0 { return requested }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// Wraps a value to cross a concurrency boundary the caller knows to be safe (disjoint writes).
public struct UnsafeSendableBox<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
