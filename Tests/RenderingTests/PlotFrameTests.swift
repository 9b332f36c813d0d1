import Foundation
import MicseSupport
import Testing
@testable import Rendering

/// A unit Gaussian cloud of `count` points around the origin, plus `far` groups: (centre, size).
func cloud(count: Int, far: [((Float, Float), Int)] = [], seed: UInt64 = 11) -> ScatterData {
    var rng = SplitMix64(seed: seed)
    var x: [Float] = [], y: [Float] = [], c: [Int32] = []
    for _ in 0..<count { x.append(Float(rng.nextGaussian())); y.append(Float(rng.nextGaussian())); c.append(0) }
    for (g, group) in far.enumerated() {
        for _ in 0..<group.1 {
            x.append(group.0.0 + 0.05 * Float(rng.nextGaussian())); y.append(group.0.1 + 0.05 * Float(rng.nextGaussian()))
            c.append(Int32(g + 1))
        }
    }
    return ScatterData(x: x, y: y, categories: c, categoryNames: ["cloud"] + far.indices.map { "far \($0)" })
}

@Suite("Plot frame")
struct PlotFrameTests {
    func extent(_ v: [Float]) -> (Float, Float) { (v.min()!, v.max()!) }

    @Test("a plain Gaussian cloud is framed in full")
    func gaussianInFull() {
        for seed: UInt64 in [1, 2, 3] {
            let data = cloud(count: 12_000, seed: seed)
            let frame = PlotFrame.fit(xs: data.x, ys: data.y, framing: .auto)
            #expect(frame.outsideCount == 0)
            #expect((frame.minX, frame.maxX) == extent(data.x))
            #expect((frame.minY, frame.maxY) == extent(data.y))
        }
    }

    @Test("small far-off groups are left out of the frame and counted; .all fits them")
    func farGroups() {
        let data = cloud(count: 3_000, far: [((60, 60), 5), ((-80, 0), 4)])
        let frame = PlotFrame.fit(xs: data.x, ys: data.y, framing: .auto)
        #expect(frame.outsideCount == 9)
        let cloudX = extent(Array(data.x[0..<3_000])), cloudY = extent(Array(data.y[0..<3_000]))
        #expect((frame.minX, frame.maxX) == cloudX)
        #expect((frame.minY, frame.maxY) == cloudY)
        #expect(frame.footnote == "9 points lie far outside this frame, drawn on its edge")
        let all = PlotFrame.fit(xs: data.x, ys: data.y, framing: .all)
        #expect(all.outsideCount == 0 && all.minX < -79 && all.maxY > 59)
        #expect(all.footnote.isEmpty)
    }

    @Test("a far group of 4 % of the points is structure, not an outlier: framed")
    func largeFarGroup() {
        let data = cloud(count: 3_000, far: [((60, 60), 125)])
        let frame = PlotFrame.fit(xs: data.x, ys: data.y, framing: .auto)
        #expect(frame.outsideCount == 0)
        #expect(frame.maxX > 59 && frame.maxY > 59)
    }

    @Test("fewer than 50 points are always framed in full")
    func fewPoints() {
        let data = cloud(count: 40, far: [((60, 60), 1)])
        #expect(PlotFrame.fit(xs: data.x, ys: data.y, framing: .auto).outsideCount == 0)
    }

    @Test("pinned points are drawn on the outlined frame edge; the footnote is written under the plot")
    func rendering() throws {
        let data = cloud(count: 3_000, far: [((60, 60), 5), ((-80, 0), 4)])
        var configuration = PlotConfiguration(width: 600, height: 500, title: "cloud")
        configuration.alpha = 1
        configuration.pointSize = 6
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: configuration)[0]
        let layout = panel.layout
        #expect(layout.footnote == "9 points lie far outside this frame, drawn on its edge")
        let box = try #require(layout.frameOutline(pointRadius: panel.radius))
        // The cloud fills the longer side of the plot area (it is not shrunk by the far groups).
        let cloudWidth = layout.pixelX(extent(Array(data.x[0..<3_000])).1) - layout.pixelX(extent(Array(data.x[0..<3_000])).0)
        let cloudHeight = layout.pixelY(extent(Array(data.y[0..<3_000])).0) - layout.pixelY(extent(Array(data.y[0..<3_000])).1)
        #expect(max(cloudWidth, cloudHeight) > 0.9 * min(layout.plotX1 - layout.plotX0, layout.plotY1 - layout.plotY0))
        let image = try ScatterPlot.render(data, configuration: configuration)
        for i in 3_000..<data.count {
            let px = layout.pixelX(data.x[i]), py = layout.pixelY(data.y[i])
            // On the frame edge, inside the plot area, in its group's colour (the groups do not overlap the cloud).
            #expect(px - panel.radius >= layout.plotX0 && px + panel.radius <= layout.plotX1)
            #expect(py - panel.radius >= layout.plotY0 && py + panel.radius <= layout.plotY1)
            #expect(abs(px - (box.x0 + panel.radius + 1)) < 0.01 || abs(px - (box.x1 - panel.radius - 1)) < 0.01
                    || abs(py - (box.y0 + panel.radius + 1)) < 0.01)
            #expect(panel.assignment.colors[Int(data.categories[i])] == image.color(x: Int(px), y: Int(py)))
        }
        // The outline: darker than the background at its top-left corner rule.
        #expect(image.color(x: Int(box.x0) - 1, y: Int((box.y0 + box.y1) / 2)) != PlotTheme.light.background)
        // The footnote: ink just under the outline (the rule itself is 1.3 text sizes above the baseline).
        #expect(layout.footnoteBaseline > box.y1 && layout.footnoteBaseline < box.y1 + 2 * Float(layout.footnoteSize))
        var ink = 0
        let top = Int(layout.footnoteBaseline - 0.9 * Float(layout.footnoteSize))
        let bottom = min(image.height, Int(layout.footnoteBaseline) + 4)
        for y in top..<bottom { for x in Int(layout.plotX0)..<Int(layout.plotX1) where image.color(x: x, y: y) != PlotTheme.light.background { ink += 1 } }
        #expect(ink > 100)
        // The SVG carries the same outline and footnote.
        let svg = try SVGWriter.document(data, configuration: configuration)
        #expect(svg.contains("far outside this frame, drawn on its edge</text>"))
        #expect(svg.contains("<rect x=") && svg.contains("fill=\"none\""))
    }

    @Test("side-by-side panels share the frame and each counts its points once")
    func panels() throws {
        let data = cloud(count: 3_000, far: [((60, 60), 5), ((-80, 0), 4)])
        var byCluster = data
        byCluster.coloring = .cluster
        let prepared = try ScatterPlot.prepare([data, byCluster], subtitles: ["by label", "by cluster"],
                                               configuration: PlotConfiguration(width: 500, height: 400))
        #expect(prepared.map(\.layout.frame.outsideCount) == [9, 9])
        #expect(prepared[0].layout.plotY1 == prepared[1].layout.plotY1)
        #expect(prepared[0].layout.scale == prepared[1].layout.scale)
    }

    @Test("without far points nothing is outlined and no footnote is drawn")
    func noOutline() throws {
        let data = cloud(count: 3_000)
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: PlotConfiguration(width: 400, height: 300))[0]
        #expect(panel.layout.frameOutline(pointRadius: panel.radius) == nil)
        #expect(panel.layout.footnote.isEmpty)
        #expect(panel.layout.plotY1 == 300 - (0.03 * 300).rounded())
    }
}
