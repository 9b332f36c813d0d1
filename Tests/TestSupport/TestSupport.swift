import Foundation
import LinearAlgebra

/// Where shared/ (real data, bench scripts) sits: beside the repository, or `$MICSE_SHARED`.
public enum SharedData {
    public static var root: URL {
        if let env = ProcessInfo.processInfo.environment["MICSE_SHARED"] { return URL(fileURLWithPath: env) }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }
    public static func data(_ name: String) -> URL { root.appendingPathComponent("data").appendingPathComponent(name) }
    /// The repository's root folder (found from this file's path).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// A fresh temporary directory, removed by the caller with `try? FileManager.default.removeItem(at:)`.
public func makeTemporaryDirectory(_ name: String = "micse-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The largest absolute difference between two equally long arrays (llm.c's check_tensor).
public func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "arrays differ in length: \(a.count) vs \(b.count)")
    var worst: Float = 0
    for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
    return worst
}

/// Cosine similarity of two vectors (Double accumulation).
public func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i]) }
    return dot / max(1e-300, (na * nb).squareRoot())
}

/// Everything a pipe or file holds up to its end, retrying reads that a signal interrupted
/// (Foundation's `readDataToEndOfFile` traps on EINTR, which other tests' child processes cause).
public func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
        if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
        if n < 0 && errno == EINTR { continue }
        return data
    }
}
