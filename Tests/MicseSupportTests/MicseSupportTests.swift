import Testing
import Foundation
import MicseSupport
import TestSupport

@Suite("MicseSupport")
struct MicseSupportTests {
    @Test("SplitMix64 gives the reference sequence for seed 0")
    func splitMixReference() {
        // Reference values of SplitMix64 from seed 0 (Vigna's splitmix64.c).
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("parallelFor visits every chunk exactly once for any thread count")
    func parallelForCoversChunks() {
        for threads in [1, 2, 5] {
            var hits = [Int](repeating: 0, count: 100)
            hits.withUnsafeMutableBufferPointer { p in
                let box = UnsafeSendableBox(p)
                parallelFor(chunks: 100, threads: threads) { box.value[$0] += 1 }
            }
            #expect(hits.allSatisfy { $0 == 1 })
        }
        let ranges = (0..<3).map { chunkRange($0, of: 3, count: 10) }
        #expect(ranges == [0..<4, 4..<7, 7..<10])
    }

    @Test("AtomicFile replaces the destination and leaves no temporary behind")
    func atomicWrite() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.txt")
        try AtomicFile.write(Data("one".utf8), to: url)
        try AtomicFile.write(Data("two".utf8), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        struct Boom: Error {}
        #expect(throws: Boom.self) { try AtomicFile.write(to: url) { h in h.write(Data("partial".utf8)); throw Boom() } }
        #expect(try String(contentsOf: url, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.txt"])
        #expect(throws: MicseError.self) { try AtomicFile.write(Data(), to: dir.appendingPathComponent("missing/x.txt")) }
    }

    @Test("Fingerprint distinguishes content and is stable")
    func fingerprint() {
        var a = Fingerprint(); a.combine("hello")
        var b = Fingerprint(); b.combine("hello")
        var c = Fingerprint(); c.combine("hellp")
        #expect(a.value == b.value && a.value != c.value)
        #expect(a.hexString.count == 16)
    }
}
