// Seeded synthetic point sets for benchmarks, examples and tests (no real data needed).
import Foundation
import MicseSupport

extension ScatterData {
    /// `pointCount` points in `categoryCount` Gaussian blobs, like the datashader benchmark of
    /// ../shared/bench/bench_render.py: blob centres ~ N(0, 5²), points ~ centre + N(0, 1),
    /// category of each point uniform. Deterministic for a seed (SplitMix64 + Box–Muller).
    public static func syntheticBlobs(pointCount: Int, categoryCount: Int, seed: UInt64 = 0,
                                      spread: Double = 5) -> ScatterData {
        var rng = SplitMix64(seed: seed)
        let centres = (0..<categoryCount).map { _ in (rng.nextGaussian() * spread, rng.nextGaussian() * spread) }
        var x = [Float](repeating: 0, count: pointCount), y = x
        var categories = [Int32](repeating: 0, count: pointCount)
        for i in 0..<pointCount {
            let c = rng.nextInt(below: categoryCount)
            categories[i] = Int32(c)
            x[i] = Float(centres[c].0 + rng.nextGaussian())
            y[i] = Float(centres[c].1 + rng.nextGaussian())
        }
        let names = (0..<categoryCount).map { "class \($0)" }
        return ScatterData(x: x, y: y, categories: categories, categoryNames: names)
    }
}
