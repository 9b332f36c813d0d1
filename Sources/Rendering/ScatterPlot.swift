// The scatter plot front end: validates the data, chooses colours, point size, opacity and
// drawing mode, lays the picture out and draws points, legend, title and cluster numbers.
//
//   validate → Palette.assignment → PlotLayout.make → drawing order → points (discs or density)
//   → title, legend, cluster numbers → 8-bit sRGB
//
// Drawing order: a SplitMix64 Fisher–Yates shuffle of the points (seed from the configuration), so
// no category is buried under another because it comes last in the input; points drawn in the
// grey of "other" (lumped categories, documents without a label) go first, beneath the coloured ones.
import Foundation
import MicseSupport

/// Renders scatter plots to `RGBAImage`s (encode them with `PNGEncoder`) or to SVG (`SVGWriter`).
public enum ScatterPlot {
    /// Automatic point diameter in pixels for `pointCount` points on a square plot area of side
    /// `plotSide`: discs cover about 10 % of the area in total, d = 2·√(0.1·side²/(πN)),
    /// clamped to 1.6…12 px (12,284 points on 1600×1600: 4.1 px).
    public static func automaticPointDiameter(pointCount: Int, plotSide: Float) -> Float {
        let n = Float(max(1, pointCount))
        return min(12, max(1.6, 2 * (0.1 * plotSide * plotSide / (Float.pi * n)).squareRoot()))
    }

    /// Automatic opacity: 0.9·(5,000/N)^0.2, clamped to 0.3…0.9 (opaque-ish for small N, lighter
    /// as points pile up, so that dense regions stay readable).
    public static func automaticAlpha(pointCount: Int) -> Float {
        min(0.9, max(0.3, 0.9 * powf(5000 / Float(max(1, pointCount)), 0.2)))
    }

    /// Whether `configuration` draws `pointCount` points by density shading.
    public static func usesDensity(pointCount: Int, configuration: PlotConfiguration) -> Bool {
        switch configuration.density {
        case .on: true
        case .off: false
        case .auto: pointCount > configuration.densityThreshold
        }
    }

    /// Draws one plot. Notices (font fallbacks) go to `reporter`.
    /// - Throws: `RenderingError` for empty, mismatched or non-finite input and bad sizes.
    public static func render(_ data: ScatterData, configuration: PlotConfiguration,
                              reporter: any ProgressReporter = SilentProgress()) throws -> RGBAImage {
        try renderPanels([data], subtitles: [""], configuration: configuration, reporter: reporter)
    }

    /// Draws panels side by side on one image (each `configuration.width` wide), sharing one
    /// layout: same data bounds, same plot area, each with its own legend. The title is drawn
    /// once across the top; each panel's subtitle ("by cluster") below it, over its plot.
    /// - Parameters:
    ///   - panels: the same points (x, y) coloured differently, e.g. by label and by cluster.
    ///   - subtitles: one per panel (may be empty strings).
    public static func renderPanels(_ panels: [ScatterData], subtitles: [String], configuration: PlotConfiguration,
                                    reporter: any ProgressReporter = SilentProgress()) throws -> RGBAImage {
        try renderPanels(panels, subtitles: subtitles, configuration: configuration, reporter: reporter,
                         threads: resolvedThreadCount(nil))
    }

    /// `renderPanels` on `threads` threads (the image does not depend on it).
    static func renderPanels(_ panels: [ScatterData], subtitles: [String], configuration: PlotConfiguration,
                             reporter: any ProgressReporter, threads: Int) throws -> RGBAImage {
        let prepared = try prepare(panels, subtitles: subtitles, configuration: configuration)
        var canvas = Canvas(width: configuration.width * panels.count, height: prepared[0].layout.height,
                                  background: configuration.theme.background)
        for panel in prepared { drawFrameOutline(panel, configuration: configuration, canvas: &canvas) }
        for panel in prepared { drawPoints(panel, configuration: configuration, canvas: &canvas, threads: threads) }
        for panel in prepared { drawText(panel, configuration: configuration, canvas: &canvas) }
        for message in FontLibrary.shared.takeNotices() { reporter.notice(message) }
        return canvas.image
    }

    // MARK: - Preparation (shared with SVGWriter)

    struct Panel {
        var data: ScatterData
        var assignment: Palette.Assignment
        var layout: PlotLayout
        var radius: Float
        var alpha: Float
        var density: Bool
        var fire: Bool
        /// Drawing order: "other" points first, then the rest, each group shuffled.
        var order: [Int32]
        /// Centre of each coloured cluster's number (`clusterNumberPositions`), image pixels.
        var centres: [(name: String, x: Float, y: Float)]
    }

    /// The largest coordinate magnitude drawn.
    static let maxCoordinate: Float = 1e18

    static func validate(_ data: ScatterData) throws {
        guard data.x.count == data.y.count, data.x.count == data.categories.count else {
            throw RenderingError.lengthMismatch(x: data.x.count, y: data.y.count, categories: data.categories.count)
        }
        guard !data.x.isEmpty else { throw RenderingError.noPoints }
        for i in data.x.indices where !data.x[i].isFinite || !data.y[i].isFinite {
            throw RenderingError.nonFiniteCoordinate(row: i, x: data.x[i], y: data.y[i])
        }
        // Spans and centres are computed in Float: keep them finite.
        for i in data.x.indices where abs(data.x[i]) > maxCoordinate || abs(data.y[i]) > maxCoordinate {
            throw RenderingError.invalidOption("row \(i + 1): coordinate (x = \(data.x[i]), y = \(data.y[i])) is too large to draw "
                                               + "(at most 1e18 in size); rescale the coordinates")
        }
        let k = data.categoryNames.count
        for (i, c) in data.categories.enumerated() where c < 0 || Int(c) >= k {
            throw RenderingError.categoryOutOfRange(row: i, category: c, categoryCount: k)
        }
        if let colors = data.colors, colors.count != k {
            throw RenderingError.colorCountMismatch(colors: colors.count, categories: k)
        }
    }

    static func validate(_ configuration: PlotConfiguration, panelCount: Int) throws {
        let c = configuration
        let height = c.height ?? c.width   // a fitted height is at most the width
        guard (64...32768).contains(c.width), (64...32768).contains(height), c.width * panelCount <= 65536,
              c.width * panelCount * height <= 16384 * 16384 else {
            throw RenderingError.invalidSize(width: c.width * panelCount, height: height)
        }
        if let s = c.pointSize, !(s > 0 && s <= 200) {
            throw RenderingError.invalidOption("point size must be in (0, 200] pixels (got \(s))")
        }
        if let a = c.alpha, !(a > 0 && a <= 1) { throw RenderingError.invalidOption("alpha must be in (0, 1] (got \(a))") }
        guard c.dpi > 0, c.dpi <= 100_000 else { throw RenderingError.invalidOption("dpi must be in (0, 100000] (got \(c.dpi))") }
    }

    static func prepare(_ panels: [ScatterData], subtitles: [String], configuration: PlotConfiguration) throws -> [Panel] {
        guard !panels.isEmpty else { throw RenderingError.noPoints }
        guard subtitles.count == panels.count else {
            throw RenderingError.panelMismatch("\(subtitles.count) subtitles for \(panels.count) panels")
        }
        try validate(configuration, panelCount: panels.count)
        for p in panels { try validate(p) }
        let n = panels[0].count
        for p in panels where p.count != n {
            throw RenderingError.panelMismatch("panel point counts differ (\(n) and \(p.count))")
        }
        // Panels show the same points: one frame for all (from every panel's points, in case they
        // differ), each panel counting the points it leaves out.
        let sharedFrame = panels.count == 1 ? PlotFrame.fit(xs: panels[0].x, ys: panels[0].y, framing: configuration.framing)
            : PlotFrame.fit(xs: panels.flatMap(\.x), ys: panels.flatMap(\.y), framing: configuration.framing)
        let frames = panels.map { sharedFrame.outsideCount == 0 ? sharedFrame : sharedFrame.counting(xs: $0.x, ys: $0.y) }
        let theme = configuration.theme
        let density = usesDensity(pointCount: n, configuration: configuration)
        // Text, margins and point size are relative to the reference height; a fitted height
        // (configuration.height nil) then only cuts the empty bands of the square layout.
        let width = configuration.width, reference = configuration.height ?? width
        let side = Float(min(width, reference)) * 0.8
        let radius = (configuration.pointSize ?? automaticPointDiameter(pointCount: n, plotSide: side)) / 2
        let alpha = configuration.alpha ?? automaticAlpha(pointCount: n)

        // Legends first: panels share the widest legend so their plot areas coincide.
        func legend(_ p: ScatterData, maxColored: Int) -> (Palette.Assignment, [LegendEntry]) {
            let counts = p.categoryCounts
            let a = Palette.assignment(categoryCount: p.categoryNames.count, counts: counts, theme: theme,
                                       maxColored: maxColored, fixedColors: p.colors)
            guard configuration.showLegend, p.categoryNames.count > 1 else { return (a, []) }   // one category: nothing to tell apart
            func entry(_ c: Int) -> LegendEntry { LegendEntry(name: p.categoryNames[c], count: counts[c].grouped, color: a.colors[c]) }
            // "(no label)" / "(no cluster)" (the theme's missing-value grey) come last, after "other".
            var entries = a.colored.filter { a.colors[$0] != theme.missingColor }.map(entry)
            if !a.other.isEmpty {
                let points = a.other.reduce(0) { $0 + counts[$1] }
                entries.append(LegendEntry(name: "other (\(a.other.count.grouped) \(p.categoryNoun), \(points.grouped) points)",
                                           count: "", color: theme.otherColor,
                                           compact: ("other (\(a.other.count.grouped) \(p.categoryNoun))", points.grouped)))
            }
            entries += a.colored.filter { a.colors[$0] == theme.missingColor }.map(entry)
            return (a, entries)
        }
        func provisionalLayout(_ i: Int, _ entries: [LegendEntry]) -> PlotLayout {
            PlotLayout.make(width: width, height: reference, title: configuration.title,
                            subtitle: subtitles[i], entries: entries, frame: frames[i], pointRadius: radius)
        }
        var assignments: [Palette.Assignment] = []
        var entryLists: [[LegendEntry]] = []
        var provisional: [PlotLayout] = []
        for (i, p) in panels.enumerated() {
            var (a, entries) = legend(p, maxColored: configuration.maxColoredCategories)
            var layout = provisionalLayout(i, entries)
            // A legend taller than the image even in its smallest type keeps the largest categories
            // that fit and lumps the rest into "other", so that every colour drawn has its key.
            if entries.count > layout.legendCapacity {
                let missing = p.colors?.filter { $0 == theme.missingColor }.count ?? 0   // "(no label)" keeps its line
                (a, entries) = legend(p, maxColored: max(1, layout.legendCapacity - 1 - missing))
                layout = provisionalLayout(i, entries)
            }
            assignments.append(a)
            entryLists.append(entries)
            provisional.append(layout)
        }
        let legendSize = provisional.map(\.legendSize).min() ?? 10
        let legendWidth = panels.indices.map { i in
            PlotLayout.legendWidth(entries: entryLists[i], size: legendSize, maxNameWidth: 0.28 * Float(width)).total
        }.max() ?? 0
        func layouts(height: Int) -> [PlotLayout] {
            if panels.count == 1, height == reference { return provisional }
            if panels.count == 1 {
                return [PlotLayout.make(width: width, height: height, referenceHeight: reference, title: configuration.title,
                                        subtitle: subtitles[0], entries: entryLists[0], frame: frames[0], pointRadius: radius,
                                        legendSizeOverride: legendSize)]
            }
            return panels.indices.map { i in
                PlotLayout.make(width: width, height: height, referenceHeight: reference,
                                title: i == 0 ? configuration.title : "", subtitle: subtitles[i],
                                titleBandOf: configuration.title, entries: entryLists[i], frame: frames[i], pointRadius: radius,
                                originX: Float(i * width), legendWidthOverride: legendWidth,
                                legendSizeOverride: legendSize)
            }
        }
        var panelLayouts = layouts(height: reference)
        if configuration.height == nil {
            let fitted = fittedHeight(panelLayouts, pointRadius: radius)
            if fitted < reference { panelLayouts = layouts(height: fitted) }
        }

        var result: [Panel] = []
        for (i, p) in panels.enumerated() {
            let layout = panelLayouts[i]
            let a = assignments[i]
            // Drawing order: shuffle all, then move "other" points to the front (stable).
            var order = (0..<Int32(n)).map { $0 }
            if !density {   // density sums do not depend on the order; input order keeps them reproducible
                var rng = SplitMix64.derived(from: configuration.seed, stream: 0x504C_4F54)
                order.seededShuffle(using: &rng)
            }
            // Grey points ("other", or a category given the grey, e.g. documents without a label) go beneath.
            let isGrey = a.colors.map(theme.isGrey)
            if isGrey.contains(true) && p.categoryNames.count > 1 {
                order = order.filter { isGrey[Int(p.categories[Int($0)])] } + order.filter { !isGrey[Int(p.categories[Int($0)])] }
            }
            let centres = configuration.showClusterNumbers && p.coloring == .cluster
                ? clusterNumberPositions(p, colored: a.colored.filter { a.colors[$0] != theme.missingColor }, layout: layout) : []
            result.append(Panel(data: p, assignment: a, layout: layout, radius: radius, alpha: alpha, density: density,
                                fire: theme == .fire && p.categoryNames.count == 1, order: order, centres: centres))
        }
        return result
    }

    /// The image height when `PlotConfiguration.height` is nil, from the layouts of the square
    /// canvas: its height minus the vertical slack of the plot area, i.e. what the title band,
    /// the framed points at the square's scale (a wide layout fills the width there), the legend
    /// and the footnote need, plus one margin of air split above and below the points. The plot area
    /// keeps at least a quarter of its width (a layout flatter than 4 : 1 is not cut to a strip); a
    /// tall layout keeps the square.
    static func fittedHeight(_ layouts: [PlotLayout], pointRadius: Float) -> Int {
        var needed: Float = 64
        for l in layouts {
            let chrome = l.plotY0 + (Float(l.height) - l.plotY1)
            let air = l.plotX0 - l.originX   // one margin
            let points = l.scale * (l.frame.maxY - l.frame.minY) + 2 * (pointRadius + 1) + air
            let legend = Float(l.legendEntries.count) * l.legendRowHeight
            needed = max(needed, chrome + max(points, legend, 0.25 * (l.plotX1 - l.plotX0)))
        }
        return min(layouts.map(\.height).max() ?? 64, Int(needed.rounded(.up)))
    }

    /// Where each coloured cluster's number goes: near the median of its points, apart from the
    /// other numbers, inside the plot area, not hiding a small cluster (`LabelPlacement`).
    static func clusterNumberPositions(_ p: ScatterData, colored: [Int], layout: PlotLayout) -> [(name: String, x: Float, y: Float)] {
        var xs = [[Float]](repeating: [], count: p.categoryNames.count)
        var ys = xs
        for j in 0..<p.count { let c = Int(p.categories[j]); xs[c].append(p.x[j]); ys[c].append(p.y[j]) }
        let size = layout.clusterNumberSize
        let metrics = FontLibrary.shared.withLock { $0.metrics(size: size) }
        let halo = TextRenderer.haloRadius(size: size)
        let clusters = colored.filter { !xs[$0].isEmpty }
        let requests = clusters.map { c in
            let stride = max(1, xs[c].count / 200)
            let points = Swift.stride(from: 0, to: xs[c].count, by: stride).map { (x: layout.pixelX(xs[c][$0]), y: layout.pixelY(ys[c][$0])) }
            return LabelPlacement.Request(x: layout.pixelX(median(xs[c])), y: layout.pixelY(median(ys[c])),
                                          width: TextRenderer.width(p.categoryNames[c], size: size, weight: .bold) + 2 * halo,
                                          height: metrics.ascender + metrics.descender + 2 * halo,
                                          points: points, weight: xs[c].count)
        }
        let area = LabelBox(x0: layout.plotX0, y0: layout.plotY0, x1: layout.plotX1, y1: layout.plotY1)
        let boxes = LabelPlacement.place(requests, in: area)
        return clusters.indices.map { (p.categoryNames[clusters[$0]], boxes[$0].centreX, boxes[$0].centreY) }
    }

    static func median(_ values: [Float]) -> Float {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    // MARK: - Drawing

    static func drawPoints(_ panel: Panel, configuration: PlotConfiguration, canvas: inout Canvas, threads: Int) {
        let n = panel.data.count
        let layout = panel.layout
        var px = [Float](repeating: 0, count: n), py = [Float](repeating: 0, count: n)
        for i in 0..<n { px[i] = layout.pixelX(panel.data.x[i]); py[i] = layout.pixelY(panel.data.y[i]) }
        let palette = panel.assignment.colors.map(\.linear)
        let width = canvas.width, height = canvas.height
        let bandCount = max(1, min(64, height / 24))
        let bandHeight = (height + bandCount - 1) / bandCount
        let splat: Float = panel.density ? 0 : panel.radius
        let buckets = PointKernels.bucketByBand(order: panel.order, py: py, reach: splat + 1,
                                                bandHeight: bandHeight, bandCount: bandCount)
        let accumulate = panel.density || panel.fire
        var weight = accumulate ? [Float](repeating: 0, count: width * height) : []
        var colorSum = accumulate ? [Float](repeating: 0, count: width * height * 3) : []
        let alpha = panel.alpha
        px.withUnsafeBufferPointer { pxp in py.withUnsafeBufferPointer { pyp in
        panel.data.categories.withUnsafeBufferPointer { cat in buckets.indices.withUnsafeBufferPointer { idx in
        canvas.pixels.withUnsafeMutableBufferPointer { cv in weight.withUnsafeMutableBufferPointer { wv in
        colorSum.withUnsafeMutableBufferPointer { sv in
            let box = UnsafeSendableBox((pxp, pyp, cat, idx, cv, wv, sv))
            parallelFor(chunks: bandCount, threads: threads) { band in
                let (pxp, pyp, cat, idx, cv, wv, sv) = box.value
                // The last bands can start past the bottom (bandCount · bandHeight ≥ height).
                let rows = min(height, band * bandHeight)..<min(height, (band + 1) * bandHeight)
                guard !rows.isEmpty else { return }
                let slice = UnsafeBufferPointer(rebasing: idx[buckets.offsets[band]..<buckets.offsets[band + 1]])
                if accumulate {
                    PointKernels.accumulate(weight: wv, colorSum: sv, width: width, rows: rows, points: slice,
                                            px: pxp, py: pyp, colorIndex: cat, palette: palette, radius: splat)
                } else {
                    PointKernels.drawDiscs(canvas: cv, width: width, rows: rows, points: slice, px: pxp, py: pyp,
                                           colorIndex: cat, palette: palette, radius: splat, alpha: alpha)
                }
            }
        } } } } } } }
        if accumulate {
            DensityShading.shade(canvas: &canvas, weight: weight, colorSum: colorSum,
                                 coloring: panel.fire ? .fire : .categorical, threads: threads)
        }
    }

    /// A thin rule around a frame that leaves points out (they are drawn on it), beneath the points.
    static func drawFrameOutline(_ panel: Panel, configuration: PlotConfiguration, canvas: inout Canvas) {
        guard let box = panel.layout.frameOutline(pointRadius: panel.radius) else { return }
        let t = panel.layout.frameRuleWidth
        let x0 = Int(box.x0.rounded()), y0 = Int(box.y0.rounded()), x1 = Int(box.x1.rounded()), y1 = Int(box.y1.rounded())
        let color = configuration.theme.mutedText
        canvas.fill(x0: x0 - t, y0: y0 - t, x1: x1 + t, y1: y0, color: color, alpha: 0.5)
        canvas.fill(x0: x0 - t, y0: y1, x1: x1 + t, y1: y1 + t, color: color, alpha: 0.5)
        canvas.fill(x0: x0 - t, y0: y0, x1: x0, y1: y1, color: color, alpha: 0.5)
        canvas.fill(x0: x1, y0: y0, x1: x1 + t, y1: y1, color: color, alpha: 0.5)
    }

    static func drawText(_ panel: Panel, configuration: PlotConfiguration, canvas: inout Canvas) {
        let theme = configuration.theme
        let layout = panel.layout
        if !layout.title.isEmpty {
            let maxWidth = Float(canvas.width) - 2 * (layout.plotX0 - layout.originX)
            let title = TextRenderer.truncated(layout.title, size: layout.titleSize, weight: .bold, maxWidth: maxWidth)
            TextRenderer.draw(title, x: layout.plotX0, baseline: layout.titleBaseline,
                              style: TextStyle(size: layout.titleSize, weight: .bold, color: theme.text), on: &canvas)
        }
        if !layout.subtitle.isEmpty {
            let maxWidth = Float(layout.width) - 2 * (layout.plotX0 - layout.originX)
            let subtitle = TextRenderer.truncated(layout.subtitle, size: layout.subtitleSize, maxWidth: maxWidth)
            TextRenderer.draw(subtitle, x: layout.plotX0, baseline: layout.subtitleBaseline,
                              style: TextStyle(size: layout.subtitleSize, color: theme.mutedText), on: &canvas)
        }
        if !layout.footnote.isEmpty {
            let (footnote, x) = layout.placedFootnote()
            TextRenderer.draw(footnote, x: x, baseline: layout.footnoteBaseline,
                              style: TextStyle(size: layout.footnoteSize, color: theme.mutedText), on: &canvas)
        }
        let s = Float(layout.legendSize)
        let metrics = FontLibrary.shared.withLock { $0.metrics(size: layout.legendSize) }
        for (row, entry) in layout.legendEntries.enumerated() {
            let top = layout.legendTop + Float(row) * layout.legendRowHeight
            let centreY = top + layout.legendRowHeight / 2
            canvas.disc(cx: layout.legendX + s * 0.5, cy: centreY, radius: s * 0.42, color: entry.color)
            let baseline = centreY + (metrics.ascender - metrics.descender) / 2
            let nameX = layout.legendX + s * 1.6
            let nameSpace = entry.count.isEmpty ? 0.35 * Float(layout.width) : max(layout.legendNameWidth, s * 3)
            let name = TextRenderer.truncated(entry.name, size: layout.legendSize, maxWidth: nameSpace)
            TextRenderer.draw(name, x: nameX, baseline: baseline,
                              style: TextStyle(size: layout.legendSize, color: theme.text), on: &canvas)
            if !entry.count.isEmpty {
                let countX = nameX + layout.legendNameWidth + s * 0.8
                TextRenderer.draw(entry.count, x: countX, baseline: baseline,
                                  style: TextStyle(size: layout.legendSize, color: theme.mutedText), on: &canvas)
            }
        }
        for centre in panel.centres {
            TextRenderer.drawCentered(centre.name, cx: centre.x, cy: centre.y,
                                      style: TextStyle(size: layout.clusterNumberSize, weight: .bold, color: theme.text),
                                      halo: theme.background, on: &canvas)
        }
    }
}
