import Testing
@testable import Rendering

@Suite("Cluster number placement")
struct LabelPlacementTests {
    let area = LabelBox(x0: 0, y0: 0, x1: 400, y1: 300)

    func request(_ x: Float, _ y: Float, weight: Int, points: [(x: Float, y: Float)] = []) -> LabelPlacement.Request {
        LabelPlacement.Request(x: x, y: y, width: 80, height: 20, points: points, weight: weight)
    }

    @Test("numbers wanting the same spot are moved apart, nearest first, the largest cluster keeping its spot")
    func apart() {
        let boxes = LabelPlacement.place([request(200, 150, weight: 5), request(200, 150, weight: 50), request(205, 152, weight: 9)], in: area)
        #expect(boxes[1] == LabelBox(centreX: 200, centreY: 150, width: 80, height: 20))
        for i in boxes.indices { for j in boxes.indices where i < j { #expect(boxes[i].overlapArea(boxes[j]) == 0) } }
        for b in boxes {
            let dx = b.centreX - 200, dy = b.centreY - 150
            #expect((dx * dx + dy * dy).squareRoot() <= 45, "moved by one step, not across the plot: \(b)")
        }
    }

    @Test("a number near the edge stays inside the plot area")
    func inside() {
        let boxes = LabelPlacement.place([request(2, 298, weight: 1), request(399, 0, weight: 1)], in: area)
        for b in boxes { #expect(b.x0 >= 0 && b.y0 >= 0 && b.x1 <= 400 && b.y1 <= 300, "\(b)") }
    }

    @Test("a cluster smaller than its number is not hidden under it")
    func smallCluster() {
        let points: [(x: Float, y: Float)] = (0..<16).map { i in
            let column = Float(i % 4), row = Float(i / 4)
            return (x: 195 + 3 * column, y: 147 + 2 * row)
        }
        let box = LabelPlacement.place([request(200, 150, weight: 16, points: points)], in: area)[0]
        #expect(points.filter { box.contains(x: $0.x, y: $0.y) }.count * 2 <= points.count)
    }

    @Test("with no free spot left, every number is still placed")
    func crowded() {
        let tiny = LabelBox(x0: 0, y0: 0, x1: 100, y1: 30)
        let boxes = LabelPlacement.place((0..<5).map { request(50, 15, weight: $0) }, in: tiny, maxRings: 2)
        #expect(boxes.count == 5)
    }
}

@Suite("Legend names")
struct LegendNameTests {
    @Test("long names that share their beginning are cut in the middle, so that they stay apart")
    func commonPrefix() throws {
        try #require(FontLibrary.shared.hasFont)
        let names = ["anger", "joy", "optimism", "sadness"].map { "sentiment_category_with_a_really_long_common_prefix_\($0)" }
        let data = ScatterData(x: [0, 1, 2, 3], y: [0, 1, 0, 1], categories: [0, 1, 2, 3], categoryNames: names)
        let panel = try ScatterPlot.prepare([data], subtitles: [""], configuration: PlotConfiguration(width: 800))[0]
        let shown = panel.layout.legendEntries.map(\.name)
        #expect(Set(shown).count == 4, "\(shown)")
        for (s, suffix) in zip(shown, ["anger", "joy", "optimism", "sadness"]) {
            #expect(s.hasPrefix("sentiment_") && s.hasSuffix(suffix) && s.contains("…"), "\(s)")
        }
        // Distinct long names keep their beginning.
        let other = ScatterData(x: [0, 1], y: [0, 1], categories: [0, 1],
                                categoryNames: [String(repeating: "alpha ", count: 20), String(repeating: "beta ", count: 20)])
        let plain = try ScatterPlot.prepare([other], subtitles: [""], configuration: PlotConfiguration(width: 800))[0]
        #expect(plain.layout.legendEntries.allSatisfy { $0.name.hasSuffix("…") })
    }
}
