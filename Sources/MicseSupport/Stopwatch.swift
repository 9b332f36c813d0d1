import Foundation

/// Wall-clock timing for stage reports and benchmarks (monotonic clock).
public struct Stopwatch: Sendable {
    private let start = DispatchTime.now().uptimeNanoseconds
    public init() {}
    public var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// Peak resident memory of this process so far, in MiB (Linux: VmHWM from /proc/self/status).
public func peakResidentMemoryMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first
        return kb.map { $0 / 1024 }
    }
    return nil
}

/// Receives progress from long stages. Kernels never print; the pipeline passes a reporter.
public protocol ProgressReporter: Sendable {
    /// `done` of `total` units of `stage` are complete.
    func progress(stage: String, done: Int, total: Int)
    /// A one-line notice (a fallback taken, a count of skipped rows).
    func notice(_ message: String)
}

/// A reporter that ignores everything (library default, tests).
public struct SilentProgress: ProgressReporter {
    public init() {}
    public func progress(stage: String, done: Int, total: Int) {}
    public func notice(_ message: String) {}
}
