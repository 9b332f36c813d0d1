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
    ///   - canvas: (height, width, 3) 8-bit sRGB, row-major, blended in linear light (`Canvas.blend`). IN/OUT.
    ///   - points: indices to draw, in drawing order.
    ///   - colorIndex: palette entry per point; `palette`: linear colours.
    static func drawDiscs(canvas: UnsafeMutableBufferPointer<UInt8>, width: Int, rows: Range<Int>,
                          points: UnsafeBufferPointer<Int32>, px: UnsafeBufferPointer<Float>, py: UnsafeBufferPointer<Float>,
                          colorIndex: UnsafeBufferPointer<Int32>, palette: [SIMD3<Float>], radius: Float, alpha: Float) {
        for i in points {
            let p = Int(i)
            let c = palette[Int(colorIndex[p])]
            forEachDiscPixel(cx: px[p], cy: py[p], radius: radius, width: width, rows: rows) { k, coverage in
                Canvas.blend(canvas, at: k * 3, color: c, alpha: coverage * alpha)
            }
        }
    }

    /// Calls `body(k, coverage)` for every pixel `k = y·width + x` (x in the canvas, y in `rows`)
    /// that the anti-aliased disc of `radius` centred at (cx, cy) covers, row by row: coverage is
    /// `min(1, radius + 0.5 − distance from the pixel centre)`, skipped when not positive.
    @inline(__always)
    static func forEachDiscPixel(cx: Float, cy: Float, radius: Float, width: Int, rows: Range<Int>,
                                 _ body: (Int, Float) -> Void) {
        let reach = radius + 0.5
        let x0 = max(0, Int((cx - reach).rounded(.down))), x1 = min(width - 1, Int((cx + reach).rounded(.up)))
        let y0 = max(rows.lowerBound, Int((cy - reach).rounded(.down)))
        let y1 = min(rows.upperBound - 1, Int((cy + reach).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let dy = Float(y) + 0.5 - cy
            let row = y * width
            for x in x0...x1 {
                let dx = Float(x) + 0.5 - cx
                let coverage = min(1, reach - (dx * dx + dy * dy).squareRoot())
                guard coverage > 0 else { continue }
                body(row + x, coverage)
            }
        }
    }

    /// Accumulates per-pixel weight and weight·colour (datashader `count_cat`, reduced on the fly to
    /// the count and the count-weighted colour sum, which is all the categorical shading needs).
    /// `radius` 0: each point adds weight 1 split bilinearly over the 4 pixels around it (which
    /// smooths the pixel-to-pixel count noise that histogram equalisation would otherwise amplify);
    /// otherwise it adds its disc coverage to each pixel.
    /// - Parameters:
    ///   - weight: (height, width). IN/OUT. `colorSum`: (height, width, 3). IN/OUT.
    static func accumulate(weight: UnsafeMutableBufferPointer<Float>, colorSum: UnsafeMutableBufferPointer<Float>,
                           width: Int, rows: Range<Int>, points: UnsafeBufferPointer<Int32>,
                           px: UnsafeBufferPointer<Float>, py: UnsafeBufferPointer<Float>,
                           colorIndex: UnsafeBufferPointer<Int32>, palette: [SIMD3<Float>], radius: Float) {
        if radius <= 0 {
            for i in points {
                let p = Int(i)
                // Pixel centres are at +0.5: the 4 nearest centres and the bilinear weights.
                let fx = px[p] - 0.5, fy = py[p] - 0.5
                let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down))
                let tx = fx - Float(x0), ty = fy - Float(y0)
                let c = palette[Int(colorIndex[p])]
                @inline(__always) func add(_ x: Int, _ y: Int, _ w: Float) {
                    guard rows.contains(y), x >= 0, x < width else { return }
                    let k = y * width + x
                    weight[k] += w
                    colorSum[3 * k] += w * c.x; colorSum[3 * k + 1] += w * c.y; colorSum[3 * k + 2] += w * c.z
                }
                add(x0, y0, (1 - tx) * (1 - ty)); add(x0 + 1, y0, tx * (1 - ty))
                add(x0, y0 + 1, (1 - tx) * ty); add(x0 + 1, y0 + 1, tx * ty)
            }
            return
        }
        for i in points {
            let p = Int(i)
            let c = palette[Int(colorIndex[p])]
            forEachDiscPixel(cx: px[p], cy: py[p], radius: radius, width: width, rows: rows) { k, coverage in
                weight[k] += coverage
                colorSum[3 * k] += coverage * c.x; colorSum[3 * k + 1] += coverage * c.y
                colorSum[3 * k + 2] += coverage * c.z
            }
        }
    }
}
