// Inner loops of the scatter rasteriser. Notation: N points, pixel coordinates (px, py) with y
// down, r = disc radius in pixels, α = opacity. The canvas is split into B horizontal bands; each
// band is drawn by one task from the list of points that touch it, in the global shuffled order,
// so the picture does not depend on the thread count.
//
// Disc coverage of a pixel whose centre is at distance d from the point: clamp(r + ½ − d, 0, 1)
// (a one-pixel linear ramp across the edge, the usual analytic approximation of box-filtered area).
import MicseSupport

enum PointKernels {
    /// Point indices, in `order`, grouped by the bands their footprint [py − reach, py + reach]
    /// touches. Band b's points are `indices[offsets[b]..<offsets[b + 1]]`.
    static func bucketByBand(order: [Int32], py: [Float], reach: Float, bandHeight: Int, bandCount: Int)
        -> (offsets: [Int], indices: [Int32]) {
        var counts = [Int](repeating: 0, count: bandCount + 1)
        let h = Float(bandHeight)
        @inline(__always) func bands(_ y: Float) -> (Int, Int) {
            let b0 = max(0, min(bandCount - 1, Int(((y - reach) / h).rounded(.down))))
            let b1 = max(0, min(bandCount - 1, Int(((y + reach) / h).rounded(.down))))
            return (b0, b1)
        }
        for i in order {
            let (b0, b1) = bands(py[Int(i)])
            for b in b0...b1 { counts[b + 1] += 1 }
        }
        for b in 0..<bandCount { counts[b + 1] += counts[b] }
        var cursor = counts
        var indices = [Int32](repeating: 0, count: counts[bandCount])
        for i in order {
            let (b0, b1) = bands(py[Int(i)])
            for b in b0...b1 { indices[cursor[b]] = i; cursor[b] += 1 }
        }
        return (counts, indices)
    }

    /// Composites anti-aliased discs over the canvas rows `rows`.
    /// - Parameters:
    ///   - canvas: (height, width, 3) linear RGB, row-major. IN/OUT.
    ///   - points: indices to draw, in drawing order.
    ///   - colorIndex: palette entry per point; `palette`: linear colours.
    static func drawDiscs(canvas: UnsafeMutableBufferPointer<Float>, width: Int, rows: Range<Int>,
                          points: UnsafeBufferPointer<Int32>, px: UnsafeBufferPointer<Float>, py: UnsafeBufferPointer<Float>,
                          colorIndex: UnsafeBufferPointer<Int32>, palette: [SIMD3<Float>], radius: Float, alpha: Float) {
        let reach = radius + 0.5
        for i in points {
            let p = Int(i)
            let cx = px[p], cy = py[p]
            let c = palette[Int(colorIndex[p])]
            let x0 = max(0, Int((cx - reach).rounded(.down))), x1 = min(width - 1, Int((cx + reach).rounded(.up)))
            let y0 = max(rows.lowerBound, Int((cy - reach).rounded(.down)))
            let y1 = min(rows.upperBound - 1, Int((cy + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                let dy = Float(y) + 0.5 - cy
                let row = y * width
                for x in x0...x1 {
                    let dx = Float(x) + 0.5 - cx
                    let coverage = min(1, reach - (dx * dx + dy * dy).squareRoot())
                    guard coverage > 0 else { continue }
                    let a = coverage * alpha
                    let k = (row + x) * 3
                    canvas[k] += a * (c.x - canvas[k])
                    canvas[k + 1] += a * (c.y - canvas[k + 1])
                    canvas[k + 2] += a * (c.z - canvas[k + 2])
                }
            }
        }
    }

    /// Accumulates per-pixel weight and weight·colour (datashader `count_cat`, reduced on the fly to
    /// the count and the count-weighted colour sum, which is all the categorical shading needs).
    /// `radius` 0: each point adds 1 to its pixel; otherwise it adds its disc coverage to each pixel.
    /// - Parameters:
    ///   - weight: (height, width). IN/OUT. `colorSum`: (height, width, 3). IN/OUT.
    static func accumulate(weight: UnsafeMutableBufferPointer<Float>, colorSum: UnsafeMutableBufferPointer<Float>,
                           width: Int, rows: Range<Int>, points: UnsafeBufferPointer<Int32>,
                           px: UnsafeBufferPointer<Float>, py: UnsafeBufferPointer<Float>,
                           colorIndex: UnsafeBufferPointer<Int32>, palette: [SIMD3<Float>], radius: Float) {
        if radius <= 0 {
            for i in points {
                let p = Int(i)
                let x = Int(px[p]), y = Int(py[p])
                guard rows.contains(y), x >= 0, x < width else { continue }
                let c = palette[Int(colorIndex[p])]
                let k = y * width + x
                weight[k] += 1
                colorSum[3 * k] += c.x; colorSum[3 * k + 1] += c.y; colorSum[3 * k + 2] += c.z
            }
            return
        }
        let reach = radius + 0.5
        for i in points {
            let p = Int(i)
            let cx = px[p], cy = py[p]
            let c = palette[Int(colorIndex[p])]
            let x0 = max(0, Int((cx - reach).rounded(.down))), x1 = min(width - 1, Int((cx + reach).rounded(.up)))
            let y0 = max(rows.lowerBound, Int((cy - reach).rounded(.down)))
            let y1 = min(rows.upperBound - 1, Int((cy + reach).rounded(.up)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                let dy = Float(y) + 0.5 - cy
                for x in x0...x1 {
                    let dx = Float(x) + 0.5 - cx
                    let coverage = min(1, reach - (dx * dx + dy * dy).squareRoot())
                    guard coverage > 0 else { continue }
                    let k = y * width + x
                    weight[k] += coverage
                    colorSum[3 * k] += coverage * c.x; colorSum[3 * k + 1] += coverage * c.y
                    colorSum[3 * k + 2] += coverage * c.z
                }
            }
        }
    }
}
