// Which part of the data plane the plot shows. UMAP can place small groups of points (often a few
// duplicate or near-duplicate texts) far from the rest; fitting every point would then shrink the
// map to a corner of the picture. With `PlotFraming.auto` the frame is fitted to the bulk of the
// points instead, and the few points beyond it are drawn pinned to the frame's edge (clamped, in
// the direction where they lie), the frame is outlined and a footnote counts them: no point is
// dropped, and the coordinates CSV keeps the true positions.
//
// The bulk: per axis the 0.5 % and 99.5 % quantiles, widened on both sides by a quarter of the
// larger of the two quantile spans (one pad for both axes, so the frame keeps the data's shape).
// The frame is the extent of the points inside that box when fitting all points would need more
// than 1.5 times its span on either axis (the outliers would shrink the map by a third or more);
// else it is the full extent.
// A Gaussian cloud of 12,000 points stays fully framed (its extreme points lie near ±3.9σ, the
// widened box reaches ±3.9σ); only groups under 0.5 % of the points, far out, are pinned.

/// How the plot frame is chosen.
public enum PlotFraming: String, Sendable, CaseIterable {
    /// Fit the bulk of the points; pin far-off small groups to the frame's edge (see PlotFrame.swift).
    case auto
    /// Fit every point.
    case all
}

/// The data rectangle a plot shows, and how many points lie outside it. The HTML map opens on the
/// same rectangle.
public struct PlotFrame: Equatable, Sendable {
    public var minX: Float, maxX: Float, minY: Float, maxY: Float
    /// Points outside the frame (drawn clamped to its edge); 0 when it holds every point.
    public var outsideCount: Int

    /// Fewest points for which quantiles are used; smaller sets are always framed in full.
    static let minimumRobustCount = 50
    /// Quantile sample: at most this many points (a fixed stride; ≥ 100 in each 0.5 % tail), so framing stays cheap at 10⁶ points.
    static let quantileSampleLimit = 20_000

    /// The frame of points (xs[i], ys[i]) under `framing`. Both arrays have the same, non-zero length.
    public static func fit(xs: [Float], ys: [Float], framing: PlotFraming) -> PlotFrame {
        var full = PlotFrame(minX: .infinity, maxX: -.infinity, minY: .infinity, maxY: -.infinity, outsideCount: 0)
        for v in xs { full.minX = min(full.minX, v); full.maxX = max(full.maxX, v) }
        for v in ys { full.minY = min(full.minY, v); full.maxY = max(full.maxY, v) }
        let n = xs.count
        guard framing == .auto, n >= minimumRobustCount else { return full }
        let (x0, x1) = quantileRange(xs), (y0, y1) = quantileRange(ys)
        let pad = 0.25 * max(x1 - x0, y1 - y0)
        let box = (minX: max(full.minX, x0 - pad), maxX: min(full.maxX, x1 + pad),
                   minY: max(full.minY, y0 - pad), maxY: min(full.maxY, y1 + pad))
        // The candidate frame: the tight extent of the points inside the box.
        var frame = PlotFrame(minX: .infinity, maxX: -.infinity, minY: .infinity, maxY: -.infinity, outsideCount: 0)
        for i in 0..<n {
            let x = xs[i], y = ys[i]
            if x < box.minX || x > box.maxX || y < box.minY || y > box.maxY { frame.outsideCount += 1; continue }
            frame.minX = min(frame.minX, x); frame.maxX = max(frame.maxX, x)
            frame.minY = min(frame.minY, y); frame.maxY = max(frame.maxY, y)
        }
        let wide = (full.maxX - full.minX) > 1.5 * (frame.maxX - frame.minX) || (full.maxY - full.minY) > 1.5 * (frame.maxY - frame.minY)
        return wide ? frame : full
    }

    /// The 0.5 % and 99.5 % quantiles (nearest rank) of `values`, from at most `quantileSampleLimit`
    /// of them taken at a fixed stride.
    static func quantileRange(_ values: [Float]) -> (Float, Float) {
        let stride = max(1, (values.count + quantileSampleLimit - 1) / quantileSampleLimit)
        var sample = Swift.stride(from: 0, to: values.count, by: stride).map { values[$0] }
        sample.sort()
        let last = sample.count - 1
        let lo = Int((0.005 * Double(last)).rounded()), hi = Int((0.995 * Double(last)).rounded())
        return (sample[lo], sample[hi])
    }

    /// This frame with `outsideCount` recounted for the points (xs[i], ys[i]) (panels that share
    /// one frame each count their own points).
    func counting(xs: [Float], ys: [Float]) -> PlotFrame {
        var frame = self
        frame.outsideCount = 0
        for i in xs.indices where xs[i] < minX || xs[i] > maxX || ys[i] < minY || ys[i] > maxY { frame.outsideCount += 1 }
        return frame
    }

    /// `x` clamped into the frame's x range.
    @inline(__always) func clampX(_ x: Float) -> Float { min(max(x, minX), maxX) }
    /// `y` clamped into the frame's y range.
    @inline(__always) func clampY(_ y: Float) -> Float { min(max(y, minY), maxY) }

    /// The footnote under a plot whose frame leaves points out, else "".
    var footnote: String {
        guard outsideCount > 0 else { return "" }
        let points = outsideCount == 1 ? "1 point lies" : "\(outsideCount.grouped) points lie"
        return "\(points) far outside this frame, drawn on its edge"
    }
}
