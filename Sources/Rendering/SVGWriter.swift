// The same plot as a vector SVG 1.1 document: one <circle> per point in the raster's drawing order,
// with the raster's layout, legend, title and cluster numbers as <text> (font-family DejaVu Sans,
// falling back to the viewer's sans-serif).
//
// Limits: at most `SVGWriter.maximumPointCount` (100,000) points — beyond that the file grows past
// ~6 MB and viewers slow down, so the writer throws `RenderingError.tooManyPointsForSVG`; write a PNG
// instead. Density shading is a raster technique: the SVG always draws discs (the fire theme's single
// category is drawn in one flame colour).
import Foundation
import MicseSupport

public enum SVGWriter {
    public static let maximumPointCount = 100_000

    /// The SVG document of one plot.
    public static func document(_ data: ScatterData, configuration: PlotConfiguration) throws -> String {
        try panelsDocument([data], subtitles: [""], configuration: configuration)
    }

    /// The SVG document of panels side by side (as `ScatterPlot.renderPanels`).
    public static func panelsDocument(_ panels: [ScatterData], subtitles: [String], configuration: PlotConfiguration) throws -> String {
        if let n = panels.first?.count, n > maximumPointCount {
            throw RenderingError.tooManyPointsForSVG(count: n, limit: maximumPointCount)
        }
        var svgConfiguration = configuration
        svgConfiguration.density = .off
        let prepared = try ScatterPlot.prepare(panels, subtitles: subtitles, configuration: svgConfiguration)
        let theme = configuration.theme
        let width = configuration.width * panels.count, height = prepared[0].layout.height
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">
        <rect width="100%" height="100%" fill="\(theme.background.hex)"/>

        """
        out.reserveCapacity(64 * (panels.first?.count ?? 0) * panels.count + 4096)
        for panel in prepared {
            if let box = panel.layout.frameOutline(pointRadius: panel.radius) {
                out += "<rect x=\"\(fmt(box.x0))\" y=\"\(fmt(box.y0))\" width=\"\(fmt(box.x1 - box.x0))\" height=\"\(fmt(box.y1 - box.y0))\" fill=\"none\" stroke=\"\(theme.mutedText.hex)\" stroke-opacity=\"0.5\" stroke-width=\"\(panel.layout.frameRuleWidth)\"/>\n"
            }
            let colors = panel.fire ? [FireColormap.stops[5]] : panel.assignment.colors
            out += "<g stroke=\"none\" fill-opacity=\"\(fmt(panel.alpha))\">\n"
            let r = fmt(panel.radius)
            for i in panel.order {
                let p = Int(i)
                let c = panel.fire ? 0 : Int(panel.data.categories[p])
                out += "<circle cx=\"\(fmt(panel.layout.pixelX(panel.data.x[p])))\" cy=\"\(fmt(panel.layout.pixelY(panel.data.y[p])))\" r=\"\(r)\" fill=\"\(colors[c].hex)\"/>\n"
            }
            out += "</g>\n"
            out += text(panel, theme: theme)
        }
        out += "</svg>\n"
        return out
    }

    /// Writes `document(data, configuration:)` to `url` atomically.
    public static func write(_ data: ScatterData, configuration: PlotConfiguration, to url: URL) throws {
        try writePanels([data], subtitles: [""], configuration: configuration, to: url)
    }

    public static func writePanels(_ panels: [ScatterData], subtitles: [String], configuration: PlotConfiguration, to url: URL) throws {
        try AtomicFile.checkWritable(url)
        let svg = try panelsDocument(panels, subtitles: subtitles, configuration: configuration)
        try AtomicFile.write(Data(svg.utf8), to: url)
    }

    static func text(_ panel: ScatterPlot.Panel, theme: PlotTheme) -> String {
        let layout = panel.layout
        let family = "font-family=\"DejaVu Sans, Noto Sans, Verdana, sans-serif\""
        var out = ""
        if !layout.title.isEmpty {
            out += "<text x=\"\(fmt(layout.plotX0))\" y=\"\(fmt(layout.titleBaseline))\" \(family) font-size=\"\(layout.titleSize)\" font-weight=\"bold\" fill=\"\(theme.text.hex)\">\(escape(layout.title))</text>\n"
        }
        let s = Float(layout.legendSize)
        for (row, entry) in layout.legendEntries.enumerated() {
            let centreY = layout.legendTop + (Float(row) + 0.5) * layout.legendRowHeight
            out += "<circle cx=\"\(fmt(layout.legendX + s * 0.5))\" cy=\"\(fmt(centreY))\" r=\"\(fmt(s * 0.42))\" fill=\"\(entry.color.hex)\"/>\n"
            let nameX = layout.legendX + s * 1.6
            out += "<text x=\"\(fmt(nameX))\" y=\"\(fmt(centreY))\" dy=\"0.35em\" \(family) font-size=\"\(layout.legendSize)\" fill=\"\(theme.text.hex)\">\(escape(entry.name))</text>\n"
            if !entry.count.isEmpty {
                out += "<text x=\"\(fmt(nameX + layout.legendNameWidth + s * 0.8))\" y=\"\(fmt(centreY))\" dy=\"0.35em\" \(family) font-size=\"\(layout.legendSize)\" fill=\"\(theme.mutedText.hex)\">\(escape(entry.count))</text>\n"
            }
        }
        let numberSize = layout.clusterNumberSize
        for centre in panel.centres {
            out += "<text x=\"\(fmt(centre.x))\" y=\"\(fmt(centre.y))\" text-anchor=\"middle\" dy=\"0.35em\" \(family) font-size=\"\(numberSize)\" font-weight=\"bold\" fill=\"\(theme.text.hex)\" stroke=\"\(theme.background.hex)\" stroke-width=\"\(fmt(Float(numberSize) / 6))\" paint-order=\"stroke\">\(escape(centre.name))</text>\n"
        }
        if !layout.subtitle.isEmpty {
            out += "<text x=\"\(fmt(layout.plotX0))\" y=\"\(fmt(layout.subtitleBaseline))\" \(family) font-size=\"\(layout.subtitleSize)\" fill=\"\(theme.mutedText.hex)\">\(escape(layout.subtitle))</text>\n"
        }
        if !layout.footnote.isEmpty {
            let (footnote, x) = layout.placedFootnote()
            out += "<text x=\"\(fmt(x))\" y=\"\(fmt(layout.footnoteBaseline))\" \(family) font-size=\"\(layout.footnoteSize)\" fill=\"\(theme.mutedText.hex)\">\(escape(footnote))</text>\n"
        }
        return out
    }

    /// XML character escaping for text content and attributes; drops characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Two decimals, trailing zeros trimmed.
    static func fmt(_ v: Float) -> String {
        let r = (Double(v) * 100).rounded() / 100
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.2f", r).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }
}
