import LinearAlgebra

/// Identical rows (bitwise-equal vectors), found by hashing. Tweets repeat (retweets, spam), and a
/// UMAP layout treats identical points poorly (zero distances, arbitrary neighbour order): the
/// layout stage can embed the unique rows once and copy each representative's coordinates back to
/// its duplicates.
public enum DuplicateRows {
    /// The unique rows and, for every input row, the row of `unique` it equals.
    public struct Result: Sendable, Equatable {
        /// (U, D): the first occurrence of each distinct row, in input order.
        public let unique: Matrix
        /// N entries: `representative[i]` is the row of `unique` equal to input row i.
        public let representative: [Int32]
        /// N − U: input rows that repeat an earlier one.
        public let duplicateCount: Int
    }

    /// Groups rows whose `Float` bit patterns are all equal (so 0.0 and −0.0 differ, and the
    /// caller has already rejected NaN rows). Hash: FNV-1a over the bit patterns, finished with the
    /// SplitMix64 mixer; equal hashes are confirmed element by element, so collisions are harmless.
    ///
    /// - Complexity: O(N·D) expected.
    public static func find(_ data: Matrix) -> Result {
        let n = data.rows, d = data.columns
        var firstRowOfHash: [UInt64: [Int32]] = [:]   // hash → unique ids with that hash
        var representative = [Int32](repeating: 0, count: n)
        var uniqueRows: [Int] = []
        data.withUnsafeBufferPointer { x in
            func equal(_ a: Int, _ b: Int) -> Bool {
                for t in 0..<d where x[a * d + t].bitPattern != x[b * d + t].bitPattern { return false }
                return true
            }
            for i in 0..<n {
                var h: UInt64 = 0xCBF2_9CE4_8422_2325
                for t in 0..<d { h = (h ^ UInt64(x[i * d + t].bitPattern)) &* 0x0000_0100_0000_01B3 }
                h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
                h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
                h ^= h >> 31
                if let candidates = firstRowOfHash[h], let match = candidates.first(where: { equal(uniqueRows[Int($0)], i) }) {
                    representative[i] = match
                } else {
                    let id = Int32(uniqueRows.count)
                    uniqueRows.append(i)
                    firstRowOfHash[h, default: []].append(id)
                    representative[i] = id
                }
            }
        }
        return Result(unique: data.selectingRows(uniqueRows), representative: representative,
                      duplicateCount: n - uniqueRows.count)
    }
}
