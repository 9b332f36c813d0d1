/// A dense row-major matrix of `Float`: `rows × columns`, element (i, j) at `storage[i * columns + j]`.
///
/// The common currency between stages: embeddings are (N, D), coordinates (N, 2), centres (K, D).
/// Unsafe access is scoped to closures (`withUnsafeBufferPointer`), as swift-collections does.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var storage: [Float]

    /// A zero-filled matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "matrix shape must be non-negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: 0, count: rows * columns)
    }

    /// A matrix over existing row-major storage (`storage.count == rows * columns`).
    public init(rows: Int, columns: Int, storage: [Float]) {
        precondition(storage.count == rows * columns, "storage has \(storage.count) values, shape needs \(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from equally long rows.
    public init(_ rowArrays: [[Float]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows differ in length")
        self.init(rows: rowArrays.count, columns: columns, storage: rowArrays.flatMap { $0 })
    }

    @inline(__always)
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of row `i`.
    public func row(_ i: Int) -> [Float] { Array(storage[(i * columns)..<((i + 1) * columns)]) }

    /// A new matrix holding the given rows, in that order.
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var out: [Float] = []
        var count = 0
        for i in indices {
            out.append(contentsOf: storage[(i * columns)..<((i + 1) * columns)])
            count += 1
        }
        return Matrix(rows: count, columns: columns, storage: out)
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The first row holding a NaN or infinite value, if any (0-based).
    public func firstNonFiniteRow() -> Int? {
        guard columns > 0 else { return nil }
        return storage.withUnsafeBufferPointer { p in
            for i in 0..<rows {
                for j in 0..<columns where !p[i * columns + j].isFinite { return i }
            }
            return nil
        }
    }

    /// A copy with every row scaled to unit Euclidean norm (zero rows stay zero).
    public func l2Normalized() -> Matrix {
        var copy = self
        copy.normalizeRows()
        return copy
    }

    /// Scales every row to unit Euclidean norm in place (zero rows stay zero).
    public mutating func normalizeRows() {
        let columns = self.columns
        let rows = self.rows
        storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<rows {
                var sum: Double = 0
                for j in 0..<columns { let v = Double(p[i * columns + j]); sum += v * v }
                guard sum > 0 else { continue }
                let inverse = 1 / sum.squareRoot()
                let scale = Float(inverse)
                if scale.isFinite {
                    for j in 0..<columns { p[i * columns + j] *= scale }
                } else {   // a row of tiny (subnormal) values: 1/norm overflows Float
                    for j in 0..<columns { p[i * columns + j] = Float(Double(p[i * columns + j]) * inverse) }
                }
            }
        }
    }
}
