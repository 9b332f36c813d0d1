import Foundation
import FoundationXML
import MicseSupport
import TestSupport
import Testing
@testable import Rendering

@Suite("PNG and SVG output")
struct EncodingTests {
    let config = PlotConfiguration(width: 320, height: 240, title: "encode test")

    /// The PNG chunks (type → data) of `data`.
    func chunks(_ data: Data) -> [(String, Data)] {
        var out: [(String, Data)] = []
        var i = 8
        let bytes = [UInt8](data)
        while i + 8 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            let type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            out.append((type, Data(bytes[(i + 8)..<(i + 8 + length)])))
            i += 12 + length
        }
        return out
    }

    @Test("PNG round-trips through libpng with pHYs and RGB colour type", arguments: PNGFilter.allCases, [1, 6])
    func roundTrip(_ filter: PNGFilter, _ level: Int) throws {
        let image = try ScatterPlot.render(threeBlobs(), configuration: config)
        let png = try PNGEncoder.encode(image, dpi: 300, level: level, filter: filter)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let decoded = try PNGDecoder.decode(png)
        #expect(decoded == image.rgba)
        let c = chunks(png)
        #expect(c.first?.0 == "IHDR" && c.last?.0 == "IEND")
        let ihdr = try #require(c.first?.1)
        #expect(ihdr[ihdr.startIndex + 8] == 8 && ihdr[ihdr.startIndex + 9] == 2)   // 8-bit, RGB
        let phys = try #require(c.first { $0.0 == "pHYs" }?.1)
        let ppm = phys.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        #expect(ppm == 11811)   // 300 dpi
    }

    @Test("RGBA images keep their alpha")
    func rgba() throws {
        var pixels = [UInt8](repeating: 0, count: 8 * 8 * 4)
        for i in 0..<64 { pixels[4 * i] = UInt8(i * 4); pixels[4 * i + 3] = UInt8(i * 3) }
        let image = RGBAImage(width: 8, height: 8, channels: 4, pixels: pixels)
        #expect(!image.isOpaque)
        #expect(try PNGDecoder.decode(try PNGEncoder.encode(image)) == image)
    }

    @Test("writes atomically; a missing folder is a clear error")
    func writeFiles() throws {
        let folder = try makeTemporaryDirectory("render")
        defer { try? FileManager.default.removeItem(at: folder) }
        let image = try ScatterPlot.render(threeBlobs(), configuration: config)
        let url = folder.appendingPathComponent("plot.png")
        try PNGEncoder.write(image, to: url, dpi: 150)
        #expect(try PNGDecoder.decode(contentsOf: url) == image.rgba)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["plot.png"])
        let missing = folder.appendingPathComponent("no/such/plot.png")
        do {
            try PNGEncoder.write(image, to: missing)
            Issue.record("wrote into a missing folder")
        } catch let error as UserFacingError {
            #expect(error.description.contains("does not exist"))
        }
        #expect(throws: RenderingError.self) { try PNGDecoder.decode(Data("not a png".utf8)) }
    }

    @Test("SVG is well-formed XML with one circle per point plus swatches")
    func svg() throws {
        var data = threeBlobs()
        data.categoryNames = ["neg <&> \"quoted\"", "neutral", "positive 😀"]
        let text = try SVGWriter.document(data, configuration: config)
        let parser = XMLParser(data: Data(text.utf8))
        final class Counter: NSObject, XMLParserDelegate {
            var circles = 0, texts = 0
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if name == "circle" { circles += 1 }
                if name == "text" { texts += 1 }
            }
        }
        let counter = Counter()
        parser.delegate = counter
        #expect(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
        #expect(counter.circles == data.count + 3)
        #expect(counter.texts == 1 + 2 * 3)
        let folder = try makeTemporaryDirectory("render-svg")
        defer { try? FileManager.default.removeItem(at: folder) }
        try SVGWriter.write(data, configuration: config, to: folder.appendingPathComponent("p.svg"))
        let big = ScatterData.syntheticBlobs(pointCount: SVGWriter.maximumPointCount + 1, categoryCount: 2)
        #expect(throws: RenderingError.tooManyPointsForSVG(count: SVGWriter.maximumPointCount + 1, limit: SVGWriter.maximumPointCount)) {
            try SVGWriter.document(big, configuration: config)
        }
    }
}
