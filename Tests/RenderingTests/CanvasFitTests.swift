import Foundation
import Testing
@testable import Rendering

/// Points whose layout is `aspect` times as wide as it is tall (three blobs stretched along x).
private func stretchedBlobs(aspect: Float) -> ScatterData {
    let blobs = threeBlobs()   // about 26 units wide and tall
    return ScatterData(x: blobs.x.map { $0 * aspect }, y: blobs.y, categories: blobs.categories,
                       categoryNames: blobs.categoryNames)
}

@Suite("Canvas fitted to the layout")
struct CanvasFitTests {
    let fitted = PlotConfiguration(width: 800, title: "blobs")

    @Test("a wide layout gets a shorter image with the square canvas's scale, text and points")
    func wideLayout() throws {
        let data = stretchedBlobs(aspect: 2)
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: fitted)[0]
        var square = fitted
        square.height = 800
        let squarePanel = try ScatterPlot.prepare([data], subtitles: [""], configuration: square)[0]
        let l = panel.layout, s = squarePanel.layout
        #expect(l.height < 560 && l.height > 400)
        #expect(l.scale == s.scale && l.titleSize == s.titleSize && l.legendSize == s.legendSize)
        #expect(panel.radius == squarePanel.radius && l.frameRuleWidth == s.frameRuleWidth)
        // Every point lies inside the plot area, which the points fill (a margin of air at most).
        let ys = data.y.map { l.pixelY($0) }
        #expect(ys.min()! >= l.plotY0 && ys.max()! <= l.plotY1)
        let margin = l.plotX0 - l.originX
        #expect((l.plotY1 - l.plotY0) - (ys.max()! - ys.min()!) <= margin + 2 * panel.radius + 4)
        let image = try ScatterPlot.render(data, configuration: fitted)
        #expect(image.width == 800 && image.height == l.height)
        let svg = try SVGWriter.document(data, configuration: fitted)
        #expect(svg.contains("width=\"800\" height=\"\(l.height)\""))
    }

    @Test("a tall layout keeps the square; a given height is kept")
    func tallAndExplicit() throws {
        #expect(try ScatterPlot.render(stretchedBlobs(aspect: 0.5), configuration: fitted).height == 800)
        var explicit = fitted
        explicit.height = 777
        #expect(try ScatterPlot.render(stretchedBlobs(aspect: 2), configuration: explicit).height == 777)
    }

    @Test("a flat layout keeps a plot area a quarter as tall as wide")
    func flatLayout() throws {
        let panel = try ScatterPlot.prepare([stretchedBlobs(aspect: 50)], subtitles: [""], configuration: fitted)[0]
        let l = panel.layout
        #expect(abs((l.plotY1 - l.plotY0) - 0.25 * (l.plotX1 - l.plotX0)) < 2)
    }

    @Test("the legend keeps its size: the image is as tall as all its entries need")
    func longLegend() throws {
        let base = stretchedBlobs(aspect: 4)
        let labels = base.x.indices.map { "label \($0 % 25)" }
        let data = ScatterData(x: base.x, y: base.y, labels: labels)
        var square = fitted
        square.height = 800
        let l = try ScatterPlot.prepare([data], subtitles: [""], configuration: fitted)[0].layout
        let s = try ScatterPlot.prepare([data], subtitles: [""], configuration: square)[0].layout
        #expect(l.legendSize == s.legendSize && l.legendEntries.count == 25)
        #expect(l.legendTop >= l.plotY0 && l.legendTop + 25 * l.legendRowHeight <= l.plotY1 + 1)
        #expect(l.height < 800)
    }

    @Test("panels share the fitted height")
    func panels() throws {
        let byLabel = stretchedBlobs(aspect: 2)
        let byCluster = ScatterData(x: byLabel.x, y: byLabel.y, clusters: byLabel.categories.map { Int($0) % 2 })
        let image = try ScatterPlot.renderPanels([byLabel, byCluster], subtitles: ["by label", "by cluster"], configuration: fitted)
        let single = try ScatterPlot.render(byLabel, configuration: fitted)
        #expect(image.width == 1600 && image.height < 600 && abs(image.height - single.height) < 60)
    }
}
