import Foundation
import Testing
@testable import InteractiveMap
import MicseSupport
import TestSupport

@Suite("HTML map writer")
struct HTMLMapWriterTests {
    /// The JSON between `<script type="application/json" id="…">` and `</script>`.
    private func block(_ id: String, in html: String) throws -> Any {
        let open = "<script type=\"application/json\" id=\"\(id)\">"
        let start = try #require(html.range(of: open))
        let end = try #require(html[start.upperBound...].range(of: "</script>"))
        return try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
    }

    private func decode(_ spec: Any?) throws -> (type: String, bytes: [UInt8]) {
        let dictionary = try #require(spec as? [String: Any])
        let type = try #require(dictionary["type"] as? String)
        let text = try #require(dictionary["data"] as? String)
        let data = try #require(Data(base64Encoded: text))
        return (type, Array(data))
    }

    @Test("Coordinates, codes, ids and texts survive the page encoding exactly")
    func payloadRoundTrip() throws {
        let document = try MapFixtures.tweetMap()
        let html = try HTMLMapWriter.render(document)
        let meta = try #require(try block("map-data", in: html) as? [String: Any])
        #expect(meta["count"] as? Int == document.pointCount)
        let xy = try decode(meta["xy"])
        #expect(xy.type == "f32" && xy.bytes.count == 8 * document.pointCount)
        let floats = xy.bytes.withUnsafeBytes { raw in (0..<2 * document.pointCount).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        #expect(floats == zip(document.x, document.y).flatMap { [$0, $1] })
        #expect(meta["ids"] is NSNull, "ids 0..<n are implied")
        let colorings = try #require(meta["colorings"] as? [[String: Any]])
        #expect(colorings.map { $0["key"] as? String } == ["label", "cluster"])
        let labels = try decode(colorings[0])
        #expect(labels.type == "u8")
        #expect(labels.bytes == document.labels?.categoryIndex.map { UInt8($0 + 1) })
        #expect(colorings[0]["names"] as? [String] == document.labels?.categoryNames)
        let texts = try #require(try block("map-texts", in: html) as? [String])
        #expect(texts == document.texts)
        // Exactly three script elements; untrusted text nowhere outside the JSON blocks.
        #expect(html.components(separatedBy: "<script").count - 1 == 3)
        #expect(!html.contains("data-x'+'ss','title')</script>"))
    }

    @Test("Category codes use the narrowest array; ids beyond Int32 use Float64", arguments: [(3, "u8"), (254, "u8"), (255, "u16"), (70_000, "u32")])
    func codeWidths(categories: Int, type: String) throws {
        let n = 5
        let coloring = MapColoring(title: "label", categoryIndex: [0, Int32(categories - 1), -1, 1, 2].map { min($0, Int32(categories - 1)) },
                                   categoryNames: (0..<categories).map { "c\($0)" }, categoryColors: Array(repeating: "#123456", count: categories))
        let document = MapDocument(title: "t", x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4], texts: Array(repeating: "t", count: n),
                                   ids: [5, 4, 3, 2, 1 << 40], labels: coloring)
        let meta = try #require(try block("map-data", in: try HTMLMapWriter.render(document)) as? [String: Any])
        let colorings = try #require(meta["colorings"] as? [[String: Any]])
        let codes = try decode(colorings[0])
        #expect(codes.type == type)
        let width = ["u8": 1, "u16": 2, "u32": 4][type] ?? 0
        let values = (0..<n).map { i in (0..<width).reduce(0) { $0 | Int(codes.bytes[i * width + $1]) << (8 * $1) } }
        #expect(values == coloring.categoryIndex.map { Int($0) + 1 })
        #expect(try decode(meta["ids"]).type == "f64")
    }

    @Test("The CSP admits exactly the page script, by its SHA-256")
    func contentSecurityPolicy() throws {
        let html = try HTMLMapWriter.render(MapDocument(title: "t", x: [1], y: [1], texts: ["a"]))
        let script = try #require(html.range(of: "<script>")).upperBound
        let end = try #require(html[script...].range(of: "</script>")).lowerBound
        let digest = Base64.encode(SHA256.digest(Array(html[script..<end].utf8)))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-\(digest)';"))
    }

    @Test("Inconsistent documents are rejected with a one-line message naming the point")
    func validation() {
        let good = MapDocument(title: "t", x: [0, 1], y: [0, 1], texts: ["a", "b"])
        var shortY = good; shortY.y = [0]
        #expect(throws: InteractiveMapError.lengthMismatch(field: "y", count: 1, expected: 2)) { try HTMLMapWriter.render(shortY) }
        var nan = good; nan.x[1] = .nan; nan.ids = [10, 11]
        #expect(throws: InteractiveMapError.nonFiniteCoordinate(point: 1, id: 11)) { try HTMLMapWriter.render(nan) }
        var outOfRange = good
        outOfRange.clusters = MapColoring(title: "cluster", categoryIndex: [0, 2], categoryNames: ["a", "b"], categoryColors: ["#000", "#fff"])
        #expect(throws: InteractiveMapError.categoryOutOfRange(coloring: "cluster", point: 1, id: 1, index: 2, categoryCount: 2)) {
            try HTMLMapWriter.render(outOfRange)
        }
        var badColor = good
        badColor.labels = MapColoring(title: "label", categoryIndex: [0, 0], categoryNames: ["a"], categoryColors: ["red"])
        #expect(throws: InteractiveMapError.invalidColor(context: "label 0 colour", value: "red")) { try HTMLMapWriter.render(badColor) }
        var hugeIndex = good
        hugeIndex.clusters = MapColoring(title: "cluster", categoryIndex: [0, Int.max], categoryNames: ["a"], categoryColors: ["#000"])
        #expect(throws: InteractiveMapError.categoryOutOfRange(coloring: "cluster", point: 1, id: 1, index: -2, categoryCount: 1)) {
            try HTMLMapWriter.render(hugeIndex)
        }
        for view in [MapViewport(minX: 0, maxX: .infinity, minY: 0, maxY: 1, outsideCount: 0),
                     MapViewport(minX: 1, maxX: 0, minY: 0, maxY: 1, outsideCount: 0),
                     MapViewport(minX: 0, maxX: 1, minY: 0, maxY: 1, outsideCount: 3)] {
            var badView = good; badView.initialView = view
            #expect(throws: InteractiveMapError.self) { try HTMLMapWriter.render(badView) }
        }
        #expect(!InteractiveMapError.nonFiniteCoordinate(point: 1, id: 11).description.contains("\n"))
    }

    @Test("The initial view travels as [minX, maxX, minY, maxY, outside], or null without one")
    func initialViewEncoding() throws {
        var document = MapDocument(title: "t", x: [0, 1, 40], y: [0, 1, -3], texts: ["a", "b", "c"])
        let none = try #require(try block("map-data", in: HTMLMapWriter.render(document)) as? [String: Any])
        #expect(none["view"] is NSNull)
        document.initialView = MapViewport(minX: 0, maxX: 1, minY: -0.25, maxY: 1e-3, outsideCount: 1)
        let meta = try #require(try block("map-data", in: HTMLMapWriter.render(document)) as? [String: Any])
        let view = try #require(meta["view"] as? [Double])
        #expect(view.map { Float($0) } == [0, 1, -0.25, 1e-3, 1], "the shortest decimal of each Float reads back as that Float")
    }

    @Test("A dark plot theme gives the page its dark style and background")
    func darkPage() throws {
        var document = MapDocument(title: "t", x: [0, 1], y: [0, 1], texts: ["a", "b"])
        let light = try HTMLMapWriter.render(document)
        #expect(!light.contains("data-theme=\"dark\""))
        #expect((try block("map-data", in: light) as? [String: Any])?["background"] as? String == "#ffffff")
        document.background = "#15171C"
        let dark = try HTMLMapWriter.render(document)
        #expect(dark.contains("<html lang=\"en\" data-theme=\"dark\">"))
        #expect((try block("map-data", in: dark) as? [String: Any])?["background"] as? String == "#15171c")
        document.background = "not a colour"
        #expect(throws: InteractiveMapError.self) { try HTMLMapWriter.render(document) }
    }

    @Test("write() goes through AtomicFile and reports a missing folder")
    func writeErrors() throws {
        let folder = try makeTemporaryDirectory("micse-html")
        defer { try? FileManager.default.removeItem(at: folder) }
        let document = MapDocument(title: "t", x: [1], y: [1], texts: ["a"])
        let file = folder.appendingPathComponent("map.html")
        try HTMLMapWriter.write(document, to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == (try HTMLMapWriter.render(document)))
        #expect(throws: MicseError.self) { try HTMLMapWriter.write(document, to: folder.appendingPathComponent("missing/map.html")) }
    }

    @Test("Size: coordinates and codes cost ~13 bytes a point; 12,284 tweets stay well under a few MB")
    func fileSize() throws {
        let empty = try HTMLMapWriter.renderBytes(MapFixtures.synthetic(0)).count
        let n = 100_000
        let document = MapFixtures.synthetic(n)
        let bytes = try HTMLMapWriter.renderBytes(document).count
        let textBytes = document.texts.reduce(0) { $0 + $1.utf8.count + 3 }
        // Per point: 8 bytes of Float32 x, y and 2 × 1 byte of codes, base64-inflated by 4/3 → 13.3 bytes.
        let perPoint = Double(bytes - empty - textBytes) / Double(n)
        #expect(perPoint > 13 && perPoint < 13.5, "non-text bytes per point: \(perPoint)")
        print("100,000 synthetic points: \(bytes) bytes (\(textBytes) of texts, \(empty) fixed)")
        let tweets = try MapFixtures.tweets("tweet_eval_sentiment_test.csv", count: 12_284)
        let names = Array(Set(tweets.labels)).sorted()
        let tweetMap = MapFixtures.blobs(texts: tweets.texts, labelNames: names,
                                         labelOf: tweets.labels.map { Int32(names.firstIndex(of: $0) ?? 0) }, clusterCount: 8, seed: 3)
        let tweetBytes = try HTMLMapWriter.renderBytes(tweetMap).count
        print("12,284 tweets: \(tweetBytes) bytes")
        #expect(tweetBytes < 3_000_000)
    }
}
