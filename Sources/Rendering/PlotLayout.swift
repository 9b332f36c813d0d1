// Where everything goes on the image: title band on top, legend on the right, and the plot area
// (the rest, minus a margin) into which the data are fitted with equal aspect ratio and centred.
//
//   margin m = 3 % of the shorter side; title size 2.1 % of the height (12…44 px);
//   legend text 1.55 % of the height (10…30 px), shrunk until every entry fits in the height;
//   legend width = swatch + widest name (at most 28 % of the width, longer names end in "…") + widest count;
//   points are inset by their radius + 1 px, so no disc is clipped.
import Foundation

struct LegendEntry: Equatable {
    var name: String
    var count: String
    var color: RGBColor
}

struct PlotLayout {
    var originX: Float          // left edge of this panel on the image
    var width: Int
    var height: Int
    var title: String
    var titleSize: Int
    var titleBaseline: Float
    var legendSize: Int
    var legendX: Float
    var legendTop: Float
    var legendRowHeight: Float
    var legendNameWidth: Float
    var legendEntries: [LegendEntry]
    /// Plot area in image pixels.
    var plotX0: Float, plotY0: Float, plotX1: Float, plotY1: Float
    /// Data → pixel: px = offsetX + scale·x, py = offsetY − scale·y (y up in data, down in pixels).
    var scale: Float, offsetX: Float, offsetY: Float

    static func legendWidth(entries: [LegendEntry], size: Int, maxNameWidth: Float) -> (total: Float, name: Float) {
        guard !entries.isEmpty else { return (0, 0) }
        var nameWidth: Float = 0, countWidth: Float = 0
        for e in entries {
            nameWidth = max(nameWidth, min(maxNameWidth, TextRenderer.width(e.name, size: size)))
            countWidth = max(countWidth, TextRenderer.width(e.count, size: size))
        }
        let s = Float(size)
        return (s * 1.0 + s * 0.6 + nameWidth + s * 0.8 + countWidth, nameWidth)
    }

    /// Fits `entries` and the data bounds into a `width`×`height` panel.
    /// - Parameter legendWidthOverride: used by panels so that all share one plot area.
    static func make(width: Int, height: Int, title: String, entries: [LegendEntry],
                     bounds: (minX: Float, maxX: Float, minY: Float, maxY: Float), pointRadius: Float,
                     originX: Float = 0, legendWidthOverride: Float? = nil, legendSizeOverride: Int? = nil) -> PlotLayout {
        let w = Float(width), h = Float(height)
        let margin = (0.03 * min(w, h)).rounded()
        let titleSize = max(12, min(44, Int((0.021 * h).rounded())))
        let titleBand: Float = title.isEmpty ? 0 : Float(titleSize) * 1.9
        var legendSize = legendSizeOverride ?? max(10, min(30, Int((0.0155 * h).rounded())))
        let available = h - 2 * margin - titleBand
        if legendSizeOverride == nil {
            while legendSize > 9, Float(entries.count) * Float(legendSize) * 1.6 > available { legendSize -= 1 }
        }
        let rowHeight = Float(legendSize) * 1.6
        let maxNameWidth = 0.28 * w
        let measured = legendWidth(entries: entries, size: legendSize, maxNameWidth: maxNameWidth)
        let legendWidth = legendWidthOverride ?? measured.total
        let plotX0 = originX + margin, plotY0 = margin + titleBand
        let plotX1 = originX + w - margin - (legendWidth > 0 ? legendWidth + margin : 0), plotY1 = h - margin
        let legendHeight = Float(entries.count) * rowHeight
        let legendTop = max(plotY0, (plotY0 + plotY1 - legendHeight) / 2)

        // Equal aspect: one scale for both axes, the larger data span fills its side.
        let inset = pointRadius + 1
        let spanX = bounds.maxX - bounds.minX, spanY = bounds.maxY - bounds.minY
        let boxW = max(1, plotX1 - plotX0 - 2 * inset), boxH = max(1, plotY1 - plotY0 - 2 * inset)
        var scale: Float = 1
        if spanX > 0 || spanY > 0 {
            scale = min(spanX > 0 ? boxW / spanX : .infinity, spanY > 0 ? boxH / spanY : .infinity)
        }
        let centreX = (plotX0 + plotX1) / 2, centreY = (plotY0 + plotY1) / 2
        let midX = (bounds.minX + bounds.maxX) / 2, midY = (bounds.minY + bounds.maxY) / 2
        return PlotLayout(originX: originX, width: width, height: height, title: title, titleSize: titleSize,
                          titleBaseline: margin + Float(titleSize) * 1.05, legendSize: legendSize,
                          legendX: plotX1 + margin, legendTop: legendTop, legendRowHeight: rowHeight,
                          legendNameWidth: measured.name, legendEntries: entries,
                          plotX0: plotX0, plotY0: plotY0, plotX1: plotX1, plotY1: plotY1,
                          scale: scale, offsetX: centreX - scale * midX, offsetY: centreY + scale * midY)
    }

    @inline(__always) func pixelX(_ x: Float) -> Float { offsetX + scale * x }
    @inline(__always) func pixelY(_ y: Float) -> Float { offsetY - scale * y }
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
