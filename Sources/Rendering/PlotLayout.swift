// Where everything goes on the image: title band on top, legend on the right, and the plot area
// (the rest, minus a margin) into which the data are fitted with equal aspect ratio and centred.
//
//   sizes are relative to the reference height r: the image height, or the width when the height
//   is fitted to the data (ScatterPlot.fittedHeight), so that text keeps its size when bands are cut;
//   margin m = 3 % of min(width, r); title size 2.1 % of r (12…44 px);
//   legend text 1.55 % of r (10…30 px), shrunk until every entry fits in the height;
//   legend width = swatch + widest name (at most 28 % of the width, longer names end in "…") + widest count;
//   points are inset by their radius + 1 px, so no disc is clipped;
//   a footnote (PlotFrame.footnote, 1.2 % of r, 10…22 px) takes a band under the plot area.
import Foundation

struct LegendEntry: Equatable {
    var name: String
    /// Empty for a line that spans the row ("other (k labels, n points)").
    var count: String
    var color: RGBColor
    /// Used instead of `name`/`count` when a spanning line does not fit: "other (k labels)" with n
    /// in the count column.
    var compact: (name: String, count: String)? = nil

    static func == (a: LegendEntry, b: LegendEntry) -> Bool {
        a.name == b.name && a.count == b.count && a.color == b.color && a.compact?.name == b.compact?.name
            && a.compact?.count == b.compact?.count
    }
}

struct PlotLayout {
    var originX: Float          // left edge of this panel on the image
    var width: Int
    var height: Int
    /// The height that text sizes and margins are relative to (see the top of this file).
    var referenceHeight: Int
    var title: String
    var titleSize: Int
    var titleBaseline: Float
    var subtitle: String
    var subtitleSize: Int
    var subtitleBaseline: Float
    var legendSize: Int
    var legendX: Float
    var legendTop: Float
    var legendRowHeight: Float
    var legendNameWidth: Float
    var legendEntries: [LegendEntry]
    /// How many legend rows fit beside the plot area in the smallest legend type.
    var legendCapacity: Int
    /// Plot area in image pixels.
    var plotX0: Float, plotY0: Float, plotX1: Float, plotY1: Float
    /// Data → pixel: px = offsetX + scale·x, py = offsetY − scale·y (y up in data, down in pixels),
    /// after clamping into `frame` (points outside it are drawn on its edge).
    var scale: Float, offsetX: Float, offsetY: Float
    var frame: PlotFrame
    var footnoteSize: Int
    var footnoteX: Float
    var footnoteBaseline: Float
    /// The footnote under the plot area ("" when the frame holds every point).
    var footnote: String { frame.footnote }
    /// Text size of cluster numbers drawn on the points (bold), pixels.
    var clusterNumberSize: Int { max(10, Int(Float(legendSize) * 1.15)) }
    /// Width in pixels of the rule around a frame that leaves points out: 1 px per 800 px of
    /// reference height.
    var frameRuleWidth: Int { max(1, Int((Float(referenceHeight) / 800).rounded())) }

    /// The legend's type is shrunk down to this size (pixels) before entries are lumped into "other".
    static let minimumLegendSize: Float = 9

    static func legendWidth(entries: [LegendEntry], size: Int, maxNameWidth: Float) -> (total: Float, name: Float) {
        guard !entries.isEmpty else { return (0, 0) }
        // Entries without a count (the "other (k labels, n points)" line) span the whole row and
        // do not widen the name column.
        var nameWidth: Float = 0, countWidth: Float = 0, spanning: Float = 0
        for e in entries {
            if e.count.isEmpty { spanning = max(spanning, TextRenderer.width(e.name, size: size)); continue }
            let w = min(maxNameWidth, TextRenderer.width(e.name, size: size))
            nameWidth = max(nameWidth, w)
            countWidth = max(countWidth, TextRenderer.width(e.count, size: size))
        }
        let s = Float(size)
        let columns = nameWidth + (countWidth > 0 ? s * 0.8 + countWidth : 0)
        return (s * 1.6 + max(columns, spanning), nameWidth)
    }

    /// Fits `entries` and the data bounds into a `width`×`height` panel.
    /// - Parameter legendWidthOverride: used by panels so that all share one plot area.
    /// - Parameter titleBandOf: the title whose band height to reserve (panels without the title
    ///   keep the same band so that plot areas line up); defaults to `title`.
    /// - Parameter referenceHeight: what text sizes and margins are relative to; defaults to `height`.
    static func make(width: Int, height: Int, referenceHeight: Int? = nil, title: String, subtitle: String = "", titleBandOf: String? = nil,
                     entries: [LegendEntry],
                     frame: PlotFrame, pointRadius: Float,
                     originX: Float = 0, legendWidthOverride: Float? = nil, legendSizeOverride: Int? = nil) -> PlotLayout {
        let w = Float(width), h = Float(height)
        let reference = referenceHeight ?? height, r = Float(reference)
        let margin = (0.03 * min(w, r)).rounded()
        let titleSize = max(12, min(44, Int((0.021 * r).rounded())))
        let subtitleSize = max(10, min(34, Int((0.017 * r).rounded())))
        let titleHeight: Float = (titleBandOf ?? title).isEmpty ? 0 : Float(titleSize) * 1.9
        let titleBand: Float = titleHeight + (subtitle.isEmpty ? 0 : Float(subtitleSize) * 1.8)
        let footnoteSize = max(10, min(22, Int((0.012 * r).rounded())))
        let footnoteBand: Float = frame.footnote.isEmpty ? 0 : Float(footnoteSize) * 1.6
        var legendSize = legendSizeOverride ?? max(10, min(30, Int((0.0155 * r).rounded())))
        let available = h - 2 * margin - titleBand - footnoteBand
        let legendCapacity = max(1, Int(available / (Self.minimumLegendSize * 1.6)))
        if legendSizeOverride == nil {
            while legendSize > Int(Self.minimumLegendSize), Float(entries.count) * Float(legendSize) * 1.6 > available { legendSize -= 1 }
        }
        let rowHeight = Float(legendSize) * 1.6
        let maxNameWidth = 0.28 * w
        // Names too long for the column end in "…" (in the PNG and the SVG alike); a spanning line
        // may use up to 35 % of the width, else its compact form.
        var entries = entries.map { entry in
            var e = entry
            if e.count.isEmpty, let compact = e.compact,
               TextRenderer.width(e.name, size: legendSize) > 0.35 * w {
                e.name = compact.name
                e.count = compact.count
            }
            return e
        }
        let full = entries.map(\.name)
        func limit(_ e: LegendEntry) -> Float { e.count.isEmpty ? 0.35 * w : maxNameWidth }
        for i in entries.indices {
            entries[i].name = TextRenderer.truncated(full[i], size: legendSize, maxWidth: limit(entries[i]))
        }
        // Long names that share their beginning ("topic_model_run_3_cluster_a", "…_b") would all end
        // in the same "…": those are cut in the middle instead, keeping the ends that tell them apart.
        var namesakes: [String: [Int]] = [:]
        for i in entries.indices where entries[i].name != full[i] { namesakes[entries[i].name, default: []].append(i) }
        for group in namesakes.values where group.count > 1 {
            for i in group {
                entries[i].name = TextRenderer.truncatedInMiddle(full[i], size: legendSize, maxWidth: limit(entries[i]))
            }
        }
        let measured = legendWidth(entries: entries, size: legendSize, maxNameWidth: maxNameWidth)
        let legendWidth = legendWidthOverride ?? measured.total
        let plotX0 = originX + margin, plotY0 = margin + titleBand
        let plotX1 = originX + w - margin - (legendWidth > 0 ? legendWidth + margin : 0), plotY1 = h - margin - footnoteBand
        let legendHeight = Float(entries.count) * rowHeight
        let legendTop = max(plotY0, (plotY0 + plotY1 - legendHeight) / 2)

        // Equal aspect: one scale for both axes, the larger data span fills its side.
        let inset = pointRadius + 1
        let spanX = frame.maxX - frame.minX, spanY = frame.maxY - frame.minY
        let boxW = max(1, plotX1 - plotX0 - 2 * inset), boxH = max(1, plotY1 - plotY0 - 2 * inset)
        var scale: Float = 1
        if spanX > 0 || spanY > 0 {
            scale = min(spanX > 0 ? boxW / spanX : .infinity, spanY > 0 ? boxH / spanY : .infinity)
        }
        let centreX = (plotX0 + plotX1) / 2, centreY = (plotY0 + plotY1) / 2
        let midX = (frame.minX + frame.maxX) / 2, midY = (frame.minY + frame.maxY) / 2
        // The footnote goes just under the frame's outline (its bottom edge is at most plotY1).
        let outlineBottom = centreY + scale * (midY - frame.minY) + pointRadius + 1
        let footnoteBaseline = min(plotY1, outlineBottom) + Float(footnoteSize) * 1.3
        // …and starts at its left edge (a narrow frame is centred in a wide plot area).
        let footnoteX = max(plotX0, centreX - scale * (midX - frame.minX) - pointRadius - 1)
        return PlotLayout(originX: originX, width: width, height: height, referenceHeight: reference,
                          title: title, titleSize: titleSize,
                          titleBaseline: margin + Float(titleSize) * 1.05, subtitle: subtitle, subtitleSize: subtitleSize,
                          subtitleBaseline: margin + titleHeight + Float(subtitleSize) * 1.0, legendSize: legendSize,
                          legendX: plotX1 + margin, legendTop: legendTop, legendRowHeight: rowHeight,
                          legendNameWidth: measured.name, legendEntries: entries, legendCapacity: legendCapacity,
                          plotX0: plotX0, plotY0: plotY0, plotX1: plotX1, plotY1: plotY1,
                          scale: scale, offsetX: centreX - scale * midX, offsetY: centreY + scale * midY,
                          frame: frame, footnoteSize: footnoteSize,
                          footnoteX: footnoteX, footnoteBaseline: footnoteBaseline)
    }

    @inline(__always) func pixelX(_ x: Float) -> Float { offsetX + scale * frame.clampX(x) }
    @inline(__always) func pixelY(_ y: Float) -> Float { offsetY - scale * frame.clampY(y) }

    /// The footnote as drawn (shortened with "…" only if wider than the plot area) and its left
    /// end: under the frame's left edge, moved left as far as the plot area's when it would run past
    /// the plot area's right edge.
    func placedFootnote() -> (text: String, x: Float) {
        let text = TextRenderer.truncated(footnote, size: footnoteSize, maxWidth: plotX1 - plotX0)
        let width = TextRenderer.width(text, size: footnoteSize)
        return (text, max(plotX0, min(footnoteX, plotX1 - width)))
    }

    /// The frame's outline in pixels, around the discs drawn on its edge (nil when the frame holds
    /// every point: then nothing is outlined).
    func frameOutline(pointRadius: Float) -> (x0: Float, y0: Float, x1: Float, y1: Float)? {
        guard frame.outsideCount > 0 else { return nil }
        let r = pointRadius + 1
        return (pixelX(frame.minX) - r, pixelY(frame.maxY) - r, pixelX(frame.maxX) + r, pixelY(frame.minY) + r)
    }
}

extension Int {
    /// "12,284": thousands separated by commas, independent of the locale.
    var grouped: String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }
}
