import Foundation
import MicseSupport
import Testing
@testable import Rendering

/// Three well separated blobs of 500 points each, plus one isolated point at a known place.
func threeBlobs() -> ScatterData {
    var rng = SplitMix64(seed: 7)
    var x: [Float] = [], y: [Float] = [], c: [Int32] = []
    for (k, centre) in [(-10.0, -10.0), (10.0, -10.0), (0.0, 10.0)].enumerated() {
        for _ in 0..<500 {
            x.append(Float(centre.0 + rng.nextGaussian())); y.append(Float(centre.1 + rng.nextGaussian())); c.append(Int32(k))
        }
    }
    return ScatterData(x: x, y: y, categories: c, categoryNames: ["negative", "neutral", "positive"])
}

final class CollectingReporter: ProgressReporter, @unchecked Sendable {
    var notices: [String] = []
    let lock = NSLock()
    func progress(stage: String, done: Int, total: Int) {}
    func notice(_ message: String) { lock.lock(); notices.append(message); lock.unlock() }
}

@Suite("Scatter plot")
struct ScatterPlotTests {
    let config = PlotConfiguration(width: 400, height: 300, title: "blobs · 1,500 points")

    @Test("same seed gives the same pixels; another seed gives others")
    func deterministic() throws {
        // Overlapping categories, so that the drawing order shows.
        let data = ScatterData.syntheticBlobs(pointCount: 3_000, categoryCount: 3, seed: 3, spread: 0.5)
        let a = try ScatterPlot.render(data, configuration: config)
        let b = try ScatterPlot.render(data, configuration: config)
        #expect(a.fingerprint == b.fingerprint)
        var other = config
        other.seed = 43
        let c = try ScatterPlot.render(data, configuration: other)
        #expect(c.fingerprint != a.fingerprint)
        #expect(a.width == 400 && a.height == 300 && a.isOpaque)
    }

    @Test("the image does not depend on the thread count", arguments: [DensityMode.off, .on])
    func threadIndependent(_ density: DensityMode) throws {
        let data = ScatterData.syntheticBlobs(pointCount: 5_000, categoryCount: 4, seed: 9, spread: 1)
        var configuration = config
        configuration.density = density
        let images = try [1, 2, 3].map {
            try ScatterPlot.renderPanels([data], subtitles: [""], configuration: configuration, reporter: SilentProgress(), threads: $0)
        }
        #expect(images[0] == images[1] && images[1] == images[2])
    }

    @Test("fire theme shades a single category through the fire colormap")
    func fire() throws {
        var configuration = config
        configuration.theme = .fire
        let blobs = threeBlobs()
        let image = try ScatterPlot.render(ScatterData(x: blobs.x, y: blobs.y), configuration: configuration)
        let panel = try ScatterPlot.prepare([ScatterData(x: blobs.x, y: blobs.y)], subtitles: [""], configuration: configuration)[0]
        #expect(panel.fire && panel.layout.legendEntries.isEmpty)
        var lit = 0
        for y in Int(panel.layout.plotY0)..<Int(panel.layout.plotY1) {
            for x in Int(panel.layout.plotX0)..<Int(panel.layout.plotX1) {
                let c = image.color(x: x, y: y)
                guard c != PlotTheme.fire.background else { continue }
                lit += 1
                #expect(c.red >= c.green && c.green >= c.blue, "not a fire colour: \(c)")   // black → red → yellow → white
            }
        }
        #expect(lit > 500)
    }

    @Test("points land where the layout maps them, in their category's colour")
    func pointColours() throws {
        let data = threeBlobs()
        var configuration = config
        configuration.alpha = 1
        configuration.pointSize = 6
        let image = try ScatterPlot.render(data, configuration: configuration)
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: configuration)[0]
        let colors = Palette.colors(count: 3, theme: .light)
        // The last-drawn point of each category is on top: its centre pixel has exactly its colour.
        for k in 0..<3 {
            let last = try #require(panel.order.last { data.categories[Int($0)] == Int32(k) })
            // Skip if a later point of another category covers it (check the colour is one of the palette's).
            let px = Int(panel.layout.pixelX(data.x[Int(last)])), py = Int(panel.layout.pixelY(data.y[Int(last)]))
            #expect(colors.contains(image.color(x: px, y: py)))
        }
        // Corners are background; every point is inside the plot area.
        #expect(image.color(x: 0, y: 0) == PlotTheme.light.background)
        #expect(image.color(x: 399, y: 299) == PlotTheme.light.background)
        for i in 0..<data.count {
            let px = panel.layout.pixelX(data.x[i]), py = panel.layout.pixelY(data.y[i])
            #expect(px - panel.radius >= panel.layout.plotX0 && px + panel.radius <= panel.layout.plotX1)
            #expect(py - panel.radius >= panel.layout.plotY0 && py + panel.radius <= panel.layout.plotY1)
        }
    }

    @Test("legend and title are drawn")
    func legendAndTitle() throws {
        let data = threeBlobs()
        let image = try ScatterPlot.render(data, configuration: config)
        let layout = try ScatterPlot.prepare([data], subtitles: [""], configuration: config)[0].layout
        try #require(FontLibrary.shared.hasFont, "a font is needed for the text checks")
        func inkPixels(x0: Int, y0: Int, x1: Int, y1: Int) -> Int {
            var n = 0
            for y in max(0, y0)..<min(image.height, y1) { for x in max(0, x0)..<min(image.width, x1)
                where image.color(x: x, y: y) != PlotTheme.light.background { n += 1 } }
            return n
        }
        #expect(layout.legendEntries.map(\.name) == ["negative", "neutral", "positive"])
        #expect(layout.legendEntries.map(\.count) == ["500", "500", "500"])
        // Legend text (beyond the swatches) has dark anti-aliased pixels.
        let textX = Int(layout.legendX + Float(layout.legendSize) * 1.6)
        let legendInk = inkPixels(x0: textX, y0: Int(layout.legendTop), x1: image.width,
                                  y1: Int(layout.legendTop + 3 * layout.legendRowHeight))
        #expect(legendInk > 100)
        // Title band: text ink above the plot area.
        #expect(inkPixels(x0: 0, y0: 0, x1: image.width, y1: Int(layout.plotY0)) > 100)
        // Swatch centre has the category colour.
        let swatch = image.color(x: Int(layout.legendX + Float(layout.legendSize) * 0.5),
                                 y: Int(layout.legendTop + layout.legendRowHeight / 2))
        #expect(swatch == Palette.colors(count: 3, theme: .light)[0])
    }

    @Test("every theme and density mode renders", arguments: PlotTheme.allCases, [DensityMode.off, .on])
    func themes(_ theme: PlotTheme, _ density: DensityMode) throws {
        var configuration = config
        configuration.theme = theme
        configuration.density = density
        let image = try ScatterPlot.render(threeBlobs(), configuration: configuration)
        #expect(image.color(x: 0, y: 0) == theme.background)
        // Something other than background inside the plot.
        var ink = 0
        for y in stride(from: 0, to: image.height, by: 2) { for x in stride(from: 0, to: 300, by: 2)
            where image.color(x: x, y: y) != theme.background { ink += 1 } }
        #expect(ink > 200)
    }

    @Test("density mode mixes category colours by count")
    func densityColour() throws {
        // Two categories at the same spot, 3:1 → the pixel colour is the 3:1 mix in linear light.
        let x: [Float] = [0, 0, 0, 0, 1, -1], y: [Float] = [0, 0, 0, 0, 1, -1]
        let data = ScatterData(x: x, y: y, categories: [0, 0, 0, 1, 0, 1], categoryNames: ["a", "b"])
        var configuration = PlotConfiguration(width: 200, height: 200, theme: .dark, density: .on, showLegend: false)
        configuration.title = ""
        let image = try ScatterPlot.render(data, configuration: configuration)
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: configuration)[0]
        let px = Int(panel.layout.pixelX(0)), py = Int(panel.layout.pixelY(0))
        let palette = Palette.colors(count: 2, theme: .dark)
        let mix = (palette[0].linear * 3 + palette[1].linear) / 4
        // Highest count → opacity 1 after equalisation → exactly the mix.
        let expected = RGBColor(linear: mix)
        let got = image.color(x: px, y: py)
        #expect(abs(Int(got.red) - Int(expected.red)) <= 1 && abs(Int(got.green) - Int(expected.green)) <= 1
                && abs(Int(got.blue) - Int(expected.blue)) <= 1)
    }

    @Test("bad input gives one-line errors")
    func badInput() {
        #expect(throws: RenderingError.noPoints) { try ScatterPlot.render(ScatterData(x: [], y: []), configuration: config) }
        #expect(throws: RenderingError.nonFiniteCoordinate(row: 1, x: .infinity, y: 0)) {
            try ScatterPlot.render(ScatterData(x: [0, .infinity], y: [0, 0]), configuration: config)
        }
        do {
            _ = try ScatterPlot.render(ScatterData(x: [0, 1, .nan], y: [0, 0, 0]), configuration: config)
            Issue.record("NaN accepted")
        } catch let error as RenderingError {
            #expect(error.description.hasPrefix("row 3:"))
            #expect(!error.description.contains("\n"))
        } catch { Issue.record("unexpected \(error)") }
        #expect(throws: RenderingError.self) {
            try ScatterPlot.render(ScatterData(x: [0], y: [0], categories: [3], categoryNames: ["a"]), configuration: config)
        }
        var tiny = config
        tiny.width = 10
        #expect(throws: RenderingError.invalidSize(width: 10, height: 300)) { try ScatterPlot.render(threeBlobs(), configuration: tiny) }
    }

    @Test("every image height draws (the row bands may end past the bottom, e.g. at 937 px)")
    func anyHeight() throws {
        let data = threeBlobs()
        for height in [937, 64, 65, 100, 1_000, 1_599] {
            var configuration = config
            configuration.height = height
            configuration.pointSize = 30   // discs reach into the last bands
            let image = try ScatterPlot.render(data, configuration: configuration)
            #expect(image.height == height)
        }
    }

    @Test("all points at one location: one centred dot")
    func singleLocation() throws {
        var configuration = config
        configuration.title = ""
        configuration.showLegend = false
        let data = ScatterData(x: [Float](repeating: 3, count: 50), y: [Float](repeating: -2, count: 50))
        let image = try ScatterPlot.render(data, configuration: configuration)
        #expect(image.color(x: 200, y: 150) != PlotTheme.light.background)
        #expect(image.color(x: 20, y: 20) == PlotTheme.light.background)
    }

    @Test("a category drawn in the 'other' grey (e.g. no label) goes beneath the coloured ones")
    func greyBeneath() throws {
        var configuration = config
        configuration.alpha = 1
        configuration.pointSize = 8
        // Coloured and grey points at the same two places; the grey ones come last in the input.
        let xs: [Float] = [0, 5, 0, 5, 0, 5], ys: [Float] = [0, 3, 0, 3, 0, 3]
        let colored = Palette.colors(count: 1, theme: .light)[0], grey = PlotTheme.light.otherColor
        let data = ScatterData(x: xs, y: ys, categories: [0, 0, 1, 1, 1, 1], categoryNames: ["a", "(no label)"],
                               colors: [colored, grey])
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: configuration)[0]
        #expect(panel.order.prefix(4).allSatisfy { data.categories[Int($0)] == 1 })
        let image = try ScatterPlot.render(data, configuration: configuration)
        for i in 0..<2 {
            #expect(image.color(x: Int(panel.layout.pixelX(xs[i])), y: Int(panel.layout.pixelY(ys[i]))) == colored)
        }
    }

    @Test("10,000 labels: legend lists the top 30 (fewer if the image is too short for them) and one 'other' line")
    func manyLabels() throws {
        let n = 20_000
        var rng = SplitMix64(seed: 1)
        let labels = (0..<n).map { i in i < 5_000 ? "big \(i % 5)" : "rare \(rng.nextInt(below: 10_000))" }
        let x = (0..<n).map { _ in Float(rng.nextGaussian()) }, y = (0..<n).map { _ in Float(rng.nextGaussian()) }
        let data = ScatterData(x: x, y: y, labels: labels)
        func coloredPoints(_ entries: [LegendEntry]) -> Int {
            entries.dropLast().reduce(0) { $0 + Int($1.count.replacingOccurrences(of: ",", with: ""))! }
        }
        // 400 px high: 31 rows do not fit even in the smallest type, so the legend keeps the
        // largest labels that fit (a colour without a key would be unreadable) and "other".
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: config)[0]
        let entries = panel.layout.legendEntries
        #expect(entries.count == panel.layout.legendCapacity && entries.count < Palette.defaultMaxColored + 1)
        #expect(Float(entries.count) * panel.layout.legendRowHeight <= panel.layout.plotY1 - panel.layout.plotY0)
        #expect(entries.prefix(5).allSatisfy { $0.name.hasPrefix("big ") })
        #expect(Set(panel.assignment.colors.filter { $0 != PlotTheme.light.otherColor }).count == entries.count - 1)
        let other = try #require(entries.last)
        // 400 px wide: the compact form, points in the count column.
        #expect(other.name == "other (\((Set(labels).count - entries.count + 1).grouped) labels)")
        #expect(other.count == (n - coloredPoints(entries)).grouped)
        _ = try ScatterPlot.render(data, configuration: config)
        // 1600 px wide: the top 30 and the full line.
        let wide = try ScatterPlot.prepare([data], subtitles: [""], configuration: PlotConfiguration())[0]
        let rareLabels = Set(labels).count - Palette.defaultMaxColored
        #expect(wide.layout.legendEntries.count == Palette.defaultMaxColored + 1)
        #expect(wide.layout.legendEntries.last?.name
                == "other (\(rareLabels.grouped) labels, \((n - coloredPoints(wide.layout.legendEntries)).grouped) points)")
        #expect(wide.layout.legendEntries.last?.count == "")
    }

    @Test("panels share one layout and are side by side")
    func panels() throws {
        let byLabel = threeBlobs()
        let byCluster = ScatterData(x: byLabel.x, y: byLabel.y, clusters: byLabel.categories.map { Int($0) % 2 })
        let image = try ScatterPlot.renderPanels([byLabel, byCluster], subtitles: ["by label", "by cluster"], configuration: config)
        #expect(image.width == 800)
        let panels = try ScatterPlot.prepare([byLabel, byCluster], subtitles: ["by label", "by cluster"], configuration: config)
        #expect(panels[0].layout.scale == panels[1].layout.scale)
        #expect(panels[1].layout.plotX0 - panels[0].layout.plotX0 == 400)
        #expect(panels[1].layout.offsetY == panels[0].layout.offsetY)
        #expect(throws: RenderingError.self) {
            try ScatterPlot.renderPanels([byLabel, ScatterData(x: [1], y: [1])], subtitles: ["a", "b"], configuration: config)
        }
    }

    @Test("cluster numbers are drawn at cluster medians")
    func clusterNumbers() throws {
        let blobs = threeBlobs()
        let data = ScatterData(x: blobs.x, y: blobs.y, clusters: blobs.categories.map { Int($0) })
        var configuration = config
        configuration.showClusterNumbers = true
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: configuration)[0]
        #expect(panel.centres.map(\.name) == ["0", "1", "2"])
        #expect(abs(panel.centres[0].x - panel.layout.pixelX(-10)) < 8)
        _ = try ScatterPlot.render(data, configuration: configuration)
    }

    @Test("automatic point size and opacity follow N")
    func automatic() {
        #expect(ScatterPlot.automaticPointDiameter(pointCount: 100, plotSide: 1000) == 12)
        #expect(ScatterPlot.automaticPointDiameter(pointCount: 10_000_000, plotSide: 1000) == 1.6)
        #expect(ScatterPlot.automaticAlpha(pointCount: 100) == 0.9)
        #expect(ScatterPlot.automaticAlpha(pointCount: 150_000) < ScatterPlot.automaticAlpha(pointCount: 12_000))
        #expect(ScatterPlot.usesDensity(pointCount: 200_001, configuration: PlotConfiguration()))
        #expect(!ScatterPlot.usesDensity(pointCount: 200_000, configuration: PlotConfiguration()))
    }
}
