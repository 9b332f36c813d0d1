import LinearAlgebra

/// Identical rows of a matrix: each row maps to the index of its unique representative.
///
/// Rows are compared bit for bit after canonicalising −0 to +0 (hash of the row's bits, then an
/// exact comparison on a hash match), so "identical" means what `==` on every value means.
public struct DuplicateRows: Sendable, Equatable {
    /// For every input row, the index of its representative among `uniqueRows`.
    public let representative: [Int]
    /// Input indices of the representatives (the first occurrence of each distinct row), ascending.
    public let uniqueRows: [Int]
    /// Rows that repeat an earlier row.
    public var duplicateCount: Int { representative.count - uniqueRows.count }

    public init(_ data: Matrix) {
        let n = data.rows, d = data.columns
        var representative = [Int](repeating: 0, count: n)
        var unique: [Int] = []
        var buckets: [UInt64: [Int]] = [:]   // hash → indices into `unique`
        data.withUnsafeBufferPointer { p in
            func equal(_ i: Int, _ j: Int) -> Bool {
                for c in 0..<d where p[i * d + c] != p[j * d + c] { return false }
                return true
            }
            for i in 0..<n {
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                for c in 0..<d {
                    h = (h ^ UInt64((p[i * d + c] + 0).bitPattern)) &* 0x0000_0100_0000_01B3
                }
                if let candidates = buckets[h], let match = candidates.first(where: { equal(unique[$0], i) }) {
                    representative[i] = match
                } else {
                    representative[i] = unique.count
                    buckets[h, default: []].append(unique.count)
                    unique.append(i)
                }
            }
        }
        self.representative = representative
        self.uniqueRows = unique
    }
}
