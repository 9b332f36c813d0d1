import Testing
import Foundation
@testable import CorpusIO
import TestSupport

@Suite("Coordinate CSV")
struct CoordinateTableTests {
    static let nastyTexts = ["plain", "comma, inside", "quote \" inside", "new\nline", "crlf\r\nline", " leading space",
                             "emoji 😀👍🏽", "RTL: مرحبا بالعالم שלום", "\"starts with quote", "", "tab\there", "NA"]

    @Test("round trip keeps every column exactly, including nasty texts")
    func roundTrip() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = Self.nastyTexts.count
        let table = CoordinateTable(ids: Array(0..<n).map { $0 * 2 }, x: (0..<n).map { Float($0) * 0.1 + 1e-7 },
                                    y: (0..<n).map { -Float($0) / 3 }, labels: (0..<n).map { "l,\($0 % 3)" },
                                    clusters: (0..<n).map { $0 % 4 }, texts: Self.nastyTexts)
        let url = dir.appendingPathComponent("coords.csv")
        try table.write(to: url)
        let back = try CoordinateTable.read(url)
        #expect(back == table)
        let head = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")[0]
        #expect(head == "id,x,y,label,cluster,text")
    }

    @Test("minimal x,y file; non-finite coordinates are an error naming the line")
    func minimalAndBad() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ok = dir.appendingPathComponent("xy.csv")
        try Data("x,y\n1,2\n3,4\n".utf8).write(to: ok)
        let t = try CoordinateTable.read(ok)
        #expect(t.ids == [0, 1] && t.labels == nil && t.clusters == nil)
        let bad = dir.appendingPathComponent("bad.csv")
        try Data("x,y\n1,2\nnan,4\n".utf8).write(to: bad)
        #expect(throws: (any Error).self) { try CoordinateTable.read(bad) }
        do { _ = try CoordinateTable.read(bad) } catch { #expect("\(error)".contains("bad.csv:3: missing or non-finite coordinate")) }
        let missing = dir.appendingPathComponent("m.csv")
        try Data("x,y\n1,\n".utf8).write(to: missing)
        #expect(throws: (any Error).self) { try CoordinateTable.read(missing) }
        // pandas writes an integer column that held a NaN as floats ("4.0"), and its index as a first column.
        let pandas = dir.appendingPathComponent("pandas.csv")
        try Data(",id,x,y,cluster\n0,0.0,1,2,4.0\n1,1.0,3,4,\n2,2.0,5,6,0.0\n".utf8).write(to: pandas)
        let p = try CoordinateTable.read(pandas)
        #expect(p.ids == [0, 1, 2] && p.clusters == [4, -1, 0])
        let fractional = dir.appendingPathComponent("frac.csv")
        try Data("x,y,cluster\n1,2,4.5\n".utf8).write(to: fractional)
        #expect { try CoordinateTable.read(fractional) } throws: { "\($0)".contains("cluster '4.5' is not a non-negative integer") }
    }
}

@Suite("Trimming spaces")
struct TrimmingTests {
    @Test("trimmingSpaces is Foundation's trimmingCharacters(in: .whitespaces), without its cost")
    func sameAsFoundation() {
        for text in ["", " ", "\t\t", "a", " a", "a ", " a b\t", "\u{3000}x\u{00A0}", "é ", " \u{2003}中文\u{2009}", "\n a \n", "1.5", " -3e2 "] {
            #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
    }
}

