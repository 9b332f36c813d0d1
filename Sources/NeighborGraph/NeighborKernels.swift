/// Inner loops shared by the neighbour searches. Vectors are rows of a row-major (N, D) buffer.

/// x · y over `dimension` floats, 32 lanes per step in two accumulators (SIMD16 lowers to
/// whatever vector width the target has).
@inline(__always)
func dotProduct(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, dimension: Int) -> Float {
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var t = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
    while t + 32 <= dimension {
        s0.addProduct(rx.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self),
                      ry.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self))
        s1.addProduct(rx.loadUnaligned(fromByteOffset: (t + 16) * 4, as: SIMD16<Float>.self),
                      ry.loadUnaligned(fromByteOffset: (t + 16) * 4, as: SIMD16<Float>.self))
        t += 32
    }
    if t + 16 <= dimension {
        s0.addProduct(rx.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self),
                      ry.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self))
        t += 16
    }
    var sum = (s0 + s1).sum()
    while t < dimension { sum += x[t] * y[t]; t += 1 }
    return sum
}

/// Per-row neighbour lists of NN-descent over caller-owned storage: row r keeps `k` entries in
/// `distances[r·k …]` ascending (ties: smaller index first), with `indices` and an `isNew` flag
/// (the paper's "new" mark: not yet used in a local join). Empty slots: distance +∞, index
/// `Int32.max`. The last slot's distance is the row's acceptance threshold.
struct NeighborLists {
    let k: Int
    let distances: UnsafeMutablePointer<Float>
    let indices: UnsafeMutablePointer<Int32>
    let isNew: UnsafeMutablePointer<Bool>

    static func allocate(rows: Int, k: Int) -> NeighborLists {
        let lists = NeighborLists(k: k, distances: .allocate(capacity: rows * k),
                                  indices: .allocate(capacity: rows * k), isNew: .allocate(capacity: rows * k))
        lists.distances.initialize(repeating: .infinity, count: rows * k)
        lists.indices.initialize(repeating: .max, count: rows * k)
        lists.isNew.initialize(repeating: false, count: rows * k)
        return lists
    }

    func deallocate() {
        distances.deallocate()
        indices.deallocate()
        isNew.deallocate()
    }

    /// The distance a candidate must beat (or tie with a smaller index) to enter row `row`.
    @inline(__always) func threshold(_ row: Int) -> Float { distances[row * k + k - 1] }

    @inline(__always) func contains(row: Int, index: Int32) -> Bool {
        let base = row * k
        for slot in base..<(base + k) where indices[slot] == index { return true }
        return false
    }

    /// Inserts (index, distance) into row `row` if it beats the last entry and is not listed yet.
    /// - Returns: whether the list changed (the paper's update counter).
    @inline(__always) @discardableResult
    func offer(row: Int, distance: Float, index: Int32, isNew flag: Bool = true) -> Bool {
        let base = row * k, last = base + k - 1
        guard distance < distances[last] || (distance == distances[last] && index < indices[last]) else { return false }
        if contains(row: row, index: index) { return false }
        var position = last
        while position > base {
            let d = distances[position - 1]
            guard d > distance || (d == distance && indices[position - 1] > index) else { break }
            distances[position] = d
            indices[position] = indices[position - 1]
            isNew[position] = isNew[position - 1]
            position -= 1
        }
        distances[position] = distance
        indices[position] = index
        isNew[position] = flag
        return true
    }
}

/// A fixed 64-bit mix of four words (SplitMix64's finaliser), for per-edge random priorities
/// that do not depend on which thread draws them.
@inline(__always)
func mixedHash(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 {
    var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1)
    z ^= c &* 0xD1B5_4A32_D192_ED03
    z ^= d &* 0x8CB9_2BA7_2F3D_8DD7
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
