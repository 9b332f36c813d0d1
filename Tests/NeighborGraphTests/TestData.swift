import LinearAlgebra
import MicseSupport

/// Seeded test matrices.
enum TestData {
    /// Uniform values in [−1, 1).
    static func uniform(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextFloat() * 2 - 1 })
    }

    /// A Gaussian mixture: `clusters` random centres (unit Gaussian), points = centre + spread·noise.
    static func blobs(rows: Int, columns: Int, clusters: Int, spread: Float, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<(clusters * columns)).map { _ in Float(rng.nextGaussian()) }
        var values = [Float](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            let c = rng.nextInt(below: clusters)
            for t in 0..<columns { values[i * columns + t] = centres[c * columns + t] + spread * Float(rng.nextGaussian()) }
        }
        return Matrix(rows: rows, columns: columns, storage: values)
    }

    /// Small integer values in −2…2: many exactly tied similarities and repeated rows.
    static func tied(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var rng = SplitMix64(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in Float(rng.nextInt(below: 5) - 2) })
    }

    /// `base` with its rows repeated: row i of the result is row `source[i]` of `base`.
    static func withRepeats(_ base: Matrix, copies: Int, seed: UInt64) -> (Matrix, [Int]) {
        var rng = SplitMix64(seed: seed)
        var source = Array(0..<base.rows)
        for _ in 0..<copies { source.append(rng.nextInt(below: base.rows)) }
        source.seededShuffle(using: &rng)
        return (base.selectingRows(source), source)
    }
}
