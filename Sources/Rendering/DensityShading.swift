// Turning accumulated per-pixel weights into colours, as datashader's `tf.shade(agg, how="eq_hist")`
// does for a `count_cat` aggregate (datashader/transfer_functions/__init__.py, `_colorize`):
//   colour  = count-weighted mean of the category colours (we average in linear light);
//   opacity = min_alpha + (1 − min_alpha)·e, e = histogram-equalised weight in [0, 1],
//             min_alpha = 40/255 as in datashader;
// then composited over the background. With one category and the fire theme the colour is
// instead the fire colormap at e, drawn opaque.
//
// Equalisation: the histogram is taken over 4,096 bins of log(1 + w) between 0 and log(1 + max w)
// (nonzero pixels only); e = (CDF(bin) − CDF(lowest bin)) / (1 − CDF(lowest bin)).
// datashader equalises the raw counts over 256·256 bins; the log binning keeps one bin per count
// for small counts and bounds the table for large ones.
import Foundation
import MicseSupport

enum DensityShading {
    static let binCount = 4096
    static let minimumAlpha: Float = 40.0 / 255.0

    enum Coloring { case categorical, fire }

    /// Shades `weight`/`colorSum` (both sized to the canvas) into `canvas`, in parallel bands.
    static func shade(canvas: inout LinearCanvas, weight: [Float], colorSum: [Float], coloring: Coloring, threads: Int) {
        let pixelCount = canvas.width * canvas.height
        var maxWeight: Float = 0
        for w in weight where w > maxWeight { maxWeight = w }
        guard maxWeight > 0 else { return }
        let scale = Float(binCount - 1) / log1pf(maxWeight)
        let chunks = max(1, threads * 4)
        // Histogram per chunk, merged afterwards (deterministic: integer counts).
        var histograms = [[Int]](repeating: [Int](repeating: 0, count: binCount), count: chunks)
        var bins = [UInt16](repeating: 0, count: pixelCount)
        weight.withUnsafeBufferPointer { w in
            bins.withUnsafeMutableBufferPointer { b in
                histograms.withUnsafeMutableBufferPointer { h in
                    let wb = UnsafeSendableBox(w), bb = UnsafeSendableBox(b), hb = UnsafeSendableBox(h)
                    parallelFor(chunks: chunks, threads: threads) { chunk in
                        var local = [Int](repeating: 0, count: binCount)
                        for i in chunkRange(chunk, of: chunks, count: pixelCount) {
                            let v = wb.value[i]
                            guard v > 0 else { continue }
                            let bin = min(binCount - 1, Int(log1pf(v) * scale))
                            bb.value[i] = UInt16(bin)
                            local[bin] += 1
                        }
                        hb.value[chunk] = local
                    }
                }
            }
        }
        var cdf = [Float](repeating: 0, count: binCount)
        var running = 0, total = 0
        for h in histograms { for (i, c) in h.enumerated() { cdf[i] += Float(c) } }
        for i in 0..<binCount { total += Int(cdf[i]) }
        var lowest = -1
        for i in 0..<binCount {
            running += Int(cdf[i])
            if lowest < 0, cdf[i] > 0 { lowest = i }
            cdf[i] = Float(running) / Float(max(1, total))
        }
        let floor = lowest >= 0 ? cdf[lowest] : 0
        let span = 1 - floor
        let equalised = cdf.map { span > 1e-9 ? max(0, ($0 - floor) / span) : 1 }
        let width = canvas.width, height = canvas.height
        let minAlpha = minimumAlpha
        canvas.pixels.withUnsafeMutableBufferPointer { dst in
            weight.withUnsafeBufferPointer { w in
                colorSum.withUnsafeBufferPointer { s in
                    bins.withUnsafeBufferPointer { b in
                        let d = UnsafeSendableBox(dst), wb = UnsafeSendableBox(w), sb = UnsafeSendableBox(s),
                            bb = UnsafeSendableBox(b)
                        parallelFor(chunks: chunks, threads: threads) { chunk in
                            for i in chunkRange(chunk, of: chunks, count: width * height) {
                                let v = wb.value[i]
                                guard v > 0 else { continue }
                                let e = equalised[Int(bb.value[i])]
                                let color: SIMD3<Float>
                                let alpha: Float
                                switch coloring {
                                case .categorical:
                                    color = SIMD3(sb.value[3 * i], sb.value[3 * i + 1], sb.value[3 * i + 2]) / v
                                    alpha = minAlpha + (1 - minAlpha) * e
                                case .fire:
                                    // Fire on black: start a little above black so lone points show.
                                    color = FireColormap.linear(at: 0.18 + 0.82 * e)
                                    alpha = min(1, v)   // partial disc coverage at the edges stays soft
                                }
                                let k = 3 * i
                                d.value[k] += alpha * (color.x - d.value[k])
                                d.value[k + 1] += alpha * (color.y - d.value[k + 1])
                                d.value[k + 2] += alpha * (color.z - d.value[k + 2])
                            }
                        }
                    }
                }
            }
        }
    }
}
