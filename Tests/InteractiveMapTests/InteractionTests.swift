import Foundation
import Testing
import InteractiveMap
import TestSupport

/// Drives the page like a user (mouse hover, click, wheel, drag; touch tap and pinch; legend clicks;
/// typing a search) through the DevTools protocol, and finds points by their colour on the canvas, so
/// the test knows nothing of the page's internals.
@Suite("Interactive map: mouse, touch and keyboard in headless Chromium", .serialized)
struct InteractionTests {
    static let colors = ["#ff0000", "#00aa00", "#0000ff", "#aa00aa", "#00aaaa", "#aaaa00"]
    static let positions: [(Float, Float)] = [(0, 0), (10, 10), (4, 4.5), (6, 5), (5, 6), (3, 7)]

    /// Six points, each its own label with its own colour.
    static func sixPoints() -> MapDocument {
        let n = positions.count
        return MapDocument(title: "six", x: positions.map(\.0), y: positions.map(\.1), texts: (0..<n).map { "TEXT-\($0) <b>bold?</b>" },
                           labels: MapColoring(title: "label", categoryIndex: (0..<n).map { Int32($0) },
                                               categoryNames: (0..<n).map { "L\($0)" }, categoryColors: colors))
    }

    /// Page coordinates (CSS px) of the centre of the pixels drawn in `hex`, or nil if none are.
    private func locate(_ hex: String, in page: DevToolsPipe) throws -> (x: Double, y: Double)? {
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        let found = try page.evaluate("""
            (() => { const c = document.getElementById('map'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let sx = 0, sy = 0, n = 0;
              for (let i = 0; i < d.length; i += 4) if (d[i] === \(v >> 16) && d[i + 1] === \((v >> 8) & 255) && d[i + 2] === \(v & 255)) {
                const p = i / 4; sx += p % c.width; sy += Math.floor(p / c.width); n++; }
              const box = c.getBoundingClientRect(), r = window.devicePixelRatio;
              return n ? [box.left + (sx / n + 0.5) / r, box.top + (sy / n + 0.5) / r] : null; })()
            """) as? [Double]
        return found.map { ($0[0], $0[1]) }
    }

    private func point(_ i: Int, _ page: DevToolsPipe, sourceLocation: SourceLocation = #_sourceLocation) throws -> (x: Double, y: Double) {
        try #require(try locate(Self.colors[i], in: page), "point \(i) is not on the canvas", sourceLocation: sourceLocation)
    }

    private func text(_ id: String, _ page: DevToolsPipe) throws -> String? {
        try page.evaluate("document.getElementById('\(id)').textContent") as? String
    }

    private func body(_ attribute: String, _ page: DevToolsPipe) throws -> String? {
        try page.evaluate("document.body.getAttribute('\(attribute)')") as? String
    }

    private func distance(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double { hypot(a.x - b.x, a.y - b.y) }

    private func openPage() throws -> DevToolsPipe? {
        guard let chromium = HeadlessChromium.locate() else { return nil }
        let folder = try makeTemporaryDirectory("micse-html")
        let file = folder.appendingPathComponent("six.html")
        try HTMLMapWriter.write(Self.sixPoints(), to: file)
        let page = try DevToolsPipe(chromium: chromium.executable, url: file.absoluteString)
        try page.waitUntilReady()
        try page.settle()
        return page
    }

    @Test("Hover shows a document, click pins it, clicking empty space unpins")
    func hoverAndClick() throws {
        guard let page = try openPage() else { return }
        for i in 0..<6 { _ = try point(i, page) }
        let p2 = try point(2, page)
        try page.mouse("mouseMoved", p2.x, p2.y)
        try page.settle()
        #expect(try text("doc-text", page) == "TEXT-2 <b>bold?</b>")
        #expect(try text("doc-label", page) == "L2")
        #expect(try text("doc-state", page) == "Hovered")
        #expect(try text("tip-text", page) == "TEXT-2 <b>bold?</b>")
        #expect(try page.evaluate("document.getElementById('tip').hidden") as? Bool == false)
        #expect(try body("data-pinned-id", page) == nil)

        let p4 = try point(4, page)
        try page.mouse("mouseMoved", p4.x, p4.y)
        try page.mouse("mousePressed", p4.x, p4.y, button: "left", buttons: 1)
        try page.mouse("mouseReleased", p4.x, p4.y, button: "left")
        try page.settle()
        #expect(try body("data-pinned-id", page) == "4")
        // Moving off every point keeps the pinned document on show.
        try page.mouse("mouseMoved", 20, 200)
        try page.settle()
        #expect(try text("doc-text", page) == "TEXT-4 <b>bold?</b>")
        #expect(try text("doc-state", page)?.hasPrefix("Pinned") == true)
        #expect(try page.evaluate("document.getElementById('tip').hidden") as? Bool == true)
        try page.mouse("mousePressed", 20, 200, button: "left", buttons: 1)
        try page.mouse("mouseReleased", 20, 200, button: "left")
        try page.settle()
        #expect(try body("data-pinned-id", page) == "")
        #expect(try body("data-errors", page) == nil)
    }

    @Test("Wheel zooms about the cursor; dragging pans without pinning")
    func wheelAndDrag() throws {
        guard let page = try openPage() else { return }
        let before2 = try point(2, page), before3 = try point(3, page)
        try page.mouse("mouseMoved", before3.x, before3.y)
        try page.mouse("mouseWheel", before3.x, before3.y, deltaY: -300)   // page zooms by exp(300 × 0.002)
        try page.settle()
        let after2 = try point(2, page), after3 = try point(3, page)
        #expect(distance(after3, before3) < 1.5, "the point under the cursor stays put")
        let ratio = distance(after2, after3) / distance(before2, before3)
        #expect(abs(ratio - exp(0.6)) < 0.05, "zoom ratio \(ratio)")

        try page.mouse("mousePressed", 20, 200, button: "left", buttons: 1)
        for step in 1...4 { try page.mouse("mouseMoved", 20 + 20 * Double(step), 200 + 10 * Double(step), buttons: 1) }
        try page.mouse("mouseReleased", 100, 240, button: "left")
        try page.settle()
        let dragged3 = try point(3, page)
        #expect(abs(dragged3.x - after3.x - 80) < 1.5 && abs(dragged3.y - after3.y - 40) < 1.5, "pan \(dragged3) from \(after3)")
        #expect(try body("data-pinned-id", page) == nil)
    }

    @Test("Touch: a tap pins a document, a two-finger pinch zooms")
    func touch() throws {
        guard let page = try openPage() else { return }
        let p3 = try point(3, page)
        try page.touch("touchStart", [(p3.x, p3.y)])
        try page.touch("touchEnd", [])
        try page.settle()
        #expect(try body("data-pinned-id", page) == "3")
        #expect(try text("doc-text", page) == "TEXT-3 <b>bold?</b>")

        let before2 = try point(2, page), before4 = try point(4, page)
        let mid = ((before2.x + before4.x) / 2, (before2.y + before4.y) / 2)
        try page.touch("touchStart", [(mid.0 - 40, mid.1), (mid.0 + 40, mid.1)])
        for step in 1...4 { try page.touch("touchMove", [(mid.0 - 40 - 5 * Double(step), mid.1), (mid.0 + 40 + 5 * Double(step), mid.1)]) }
        try page.touch("touchEnd", [])
        try page.settle()
        let ratio = distance(try point(2, page), try point(4, page)) / distance(before2, before4)
        #expect(abs(ratio - 1.5) < 0.05, "pinch from 80 px to 120 px apart zooms by \(ratio)")
        #expect(try body("data-pinned-id", page) == "3", "a pinch is not a tap")
    }

    @Test("Legend entries toggle their points; typing in the search box counts matches")
    func legendAndSearch() throws {
        guard let page = try openPage() else { return }
        let p5 = try point(5, page)
        let box = try #require(try page.evaluate("""
            (() => { const r = document.querySelector('#legend button[data-entry="5"]').getBoundingClientRect();
                     return [r.left + r.width / 2, r.top + r.height / 2]; })()
            """) as? [Double])
        try page.mouse("mousePressed", box[0], box[1], button: "left", buttons: 1)
        try page.mouse("mouseReleased", box[0], box[1], button: "left")
        try page.settle()
        #expect(try body("data-shown-count", page) == "5")
        #expect(try locate(Self.colors[5], in: page) == nil, "hidden category still drawn")
        try page.mouse("mouseMoved", p5.x, p5.y)
        try page.settle()
        #expect(try text("doc-text", page) != "TEXT-5 <b>bold?</b>", "a hidden point must not be hoverable")
        try page.mouse("mousePressed", box[0], box[1], button: "left", buttons: 1)
        try page.mouse("mouseReleased", box[0], box[1], button: "left")
        try page.settle()
        #expect(try body("data-shown-count", page) == "6")

        let search = try #require(try page.evaluate("""
            (() => { const r = document.getElementById('search').getBoundingClientRect(); return [r.left + 10, r.top + r.height / 2]; })()
            """) as? [Double])
        try page.mouse("mousePressed", search[0], search[1], button: "left", buttons: 1)
        try page.mouse("mouseReleased", search[0], search[1], button: "left")
        try page.send("Input.insertText", ["text": "text-3 <B>"])
        _ = try page.evaluate("new Promise(r => setTimeout(() => r(true), 400))")
        try page.settle()
        #expect(try body("data-search-count", page) == "1")
        #expect(try text("search-count", page) == "1 document contains \u{201C}text-3 <B>\u{201D}")
        #expect(try body("data-errors", page) == nil)
    }
}
