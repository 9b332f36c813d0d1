/// Inner loops shared by the neighbour searches. Vectors are rows of a row-major (N, D) buffer.

/// x · y over `dimension` floats, 32 lanes per step in two accumulators (SIMD16 lowers to
/// whatever vector width the target has). Written as `s += a * b`, not `addProduct`: without an
/// FMA target feature (the default x86-64 baseline) `addProduct` becomes one libm `fmaf` call
/// per lane, ten times slower.
@inline(__always)
func dotProduct(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, dimension: Int) -> Float {
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var t = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
    while t + 32 <= dimension {
        let a0 = rx.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self)
        let b0 = ry.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self)
        let a1 = rx.loadUnaligned(fromByteOffset: (t + 16) * 4, as: SIMD16<Float>.self)
        let b1 = ry.loadUnaligned(fromByteOffset: (t + 16) * 4, as: SIMD16<Float>.self)
        s0 += a0 * b0
        s1 += a1 * b1
        t += 32
    }
    if t + 16 <= dimension {
        s0 += rx.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self) * ry.loadUnaligned(fromByteOffset: t * 4, as: SIMD16<Float>.self)
        t += 16
    }
    var sum = (s0 + s1).sum()
    while t < dimension { sum += x[t] * y[t]; t += 1 }
    return sum
}

/// x·y₀, x·y₁, x·y₂, x·y₃ in one pass: each 8-float piece of x is loaded once for four rows, so
/// the loop is bound by the multiply-adds rather than by loads (`dotProduct` loads two floats per
/// multiply-add). Eight lanes per row, four accumulators: 12 of the 16 SSE registers.
@inline(__always)
func dotProducts(_ x: UnsafePointer<Float>, _ y0: UnsafePointer<Float>, _ y1: UnsafePointer<Float>,
                 _ y2: UnsafePointer<Float>, _ y3: UnsafePointer<Float>, dimension: Int) -> SIMD4<Float> {
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
    let rx = UnsafeRawPointer(x), r0 = UnsafeRawPointer(y0), r1 = UnsafeRawPointer(y1)
    let r2 = UnsafeRawPointer(y2), r3 = UnsafeRawPointer(y3)
    var t = 0
    while t + 8 <= dimension {
        let offset = t * 4
        let a = rx.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s0 += a * r0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s1 += a * r1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s2 += a * r2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s3 += a * r3.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        t += 8
    }
    var result = SIMD4<Float>(s0.sum(), s1.sum(), s2.sum(), s3.sum())
    while t < dimension {
        result += x[t] * SIMD4<Float>(y0[t], y1[t], y2[t], y3[t])
        t += 1
    }
    return result
}

/// Two rows against four: (x₀·y₀ … x₀·y₃, x₁·y₀ … x₁·y₃) in one pass. Each 8-float piece of a y
/// row is loaded once for both x rows, so the pass loads 6 vectors per 8 multiply-adds instead of
/// `dotProducts`' 5 per 4 (the local joins read rows from L2, so loads are what bounds them).
/// Each lane is accumulated exactly as in `dotProducts` (bit-identical results); 8 accumulators,
/// 2 x pieces and 4 y pieces fill the 16 AVX2 registers.
@inline(__always)
func dotProducts(_ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>, _ y0: UnsafePointer<Float>,
                 _ y1: UnsafePointer<Float>, _ y2: UnsafePointer<Float>, _ y3: UnsafePointer<Float>,
                 dimension: Int) -> (SIMD4<Float>, SIMD4<Float>) {
    var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>(), s03 = SIMD8<Float>()
    var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>(), s13 = SIMD8<Float>()
    let rx0 = UnsafeRawPointer(x0), rx1 = UnsafeRawPointer(x1)
    let r0 = UnsafeRawPointer(y0), r1 = UnsafeRawPointer(y1), r2 = UnsafeRawPointer(y2), r3 = UnsafeRawPointer(y3)
    var t = 0
    while t + 8 <= dimension {
        let offset = t * 4
        let a = rx0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let b = rx1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let v0 = r0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s00 += a * v0; s10 += b * v0
        let v1 = r1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s01 += a * v1; s11 += b * v1
        let v2 = r2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s02 += a * v2; s12 += b * v2
        let v3 = r3.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        s03 += a * v3; s13 += b * v3
        t += 8
    }
    var first = SIMD4<Float>(s00.sum(), s01.sum(), s02.sum(), s03.sum())
    var second = SIMD4<Float>(s10.sum(), s11.sum(), s12.sum(), s13.sum())
    while t < dimension {
        let y = SIMD4<Float>(y0[t], y1[t], y2[t], y3[t])
        first += x0[t] * y
        second += x1[t] * y
        t += 1
    }
    return (first, second)
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
