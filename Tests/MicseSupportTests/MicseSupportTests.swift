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

    @Test("checkDistinct refuses an output that is an input (by name, symbolic or hard link) or named twice")
    func distinctOutputs() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("t.csv"), other = dir.appendingPathComponent("emb.npy")
        try Data("text\nhello\n".utf8).write(to: corpus)
        try Data("npy".utf8).write(to: other)
        let symbolic = dir.appendingPathComponent("link.csv"), hard = dir.appendingPathComponent("hard.csv")
        try FileManager.default.createSymbolicLink(at: symbolic, withDestinationURL: corpus)
        try FileManager.default.linkItem(at: corpus, to: hard)
        func message(_ outputs: [(URL, String)]) -> String? {
            do { try AtomicFile.checkDistinct(outputs: outputs, inputs: [corpus, other]); return nil } catch { return "\(error)" }
        }
        #expect(message([(dir.appendingPathComponent("t.png"), "--plot"), (dir.appendingPathComponent("t.coords.csv"), "--csv")]) == nil)
        #expect(message([(corpus, "--csv")])?.contains("--csv \(corpus.path) is an input file") == true)
        #expect(message([(dir.appendingPathComponent("./t.csv"), "--csv")]) != nil)
        #expect(message([(symbolic, "--csv")])?.contains("(\(corpus.path))") == true)
        #expect(message([(hard, "--csv")]) != nil)
        #expect(message([(other, "--output")]) != nil)
        // Two outputs of one name, existing or not yet written.
        let png = dir.appendingPathComponent("a.png")
        #expect(message([(png, "--plot"), (dir.appendingPathComponent("sub/../a.png"), "--plot")])?.contains("named by both --plot and --plot") == true)
        #expect(AtomicFile.input(sameAs: symbolic, among: [other, corpus]) == corpus)
        #expect(AtomicFile.input(sameAs: png, among: [other, corpus]) == nil)
    }

    @Test("Fingerprint distinguishes content and is stable")
    func fingerprint() {
        var a = Fingerprint(); a.combine("hello")
        var b = Fingerprint(); b.combine("hello")
        var c = Fingerprint(); c.combine("hellp")
        #expect(a.value == b.value && a.value != c.value)
        #expect(a.hexString.count == 16)
    }

    @Test("Fingerprint: two edits never cancel out (FNV-1a over words let top-byte changes cancel)")
    func fingerprintEditsDoNotCancel() {
        func fingerprint(_ bytes: [UInt8]) -> UInt64 { var f = Fingerprint(); bytes.withUnsafeBytes { f.combine($0) }; return f.value }
        // The corpus edit that once reused stale cached vectors: two letters changed, 8 bytes apart.
        var a = Fingerprint(); a.combine("night. Got limited spots left")
        var b = Fingerprint(); b.combine("nigh4. Got limited spots lef4")
        #expect(a.value != b.value)
        // Sign flips of two floats (bytes 7 and 15), and random pairs of edits in words' top bytes.
        let base = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let original = fingerprint(base)
        var flipped = base
        flipped[7] ^= 0x80; flipped[15] ^= 0x80
        #expect(fingerprint(flipped) != original)
        var rng = SplitMix64(seed: 3)
        var seen = Set([original])
        for _ in 0..<20_000 {
            var edited = base
            let i = 8 * rng.nextInt(below: 32) + 7, j = 8 * rng.nextInt(below: 32) + 7
            guard i != j else { continue }
            edited[i] ^= UInt8(1 + rng.nextInt(below: 255)); edited[j] ^= UInt8(1 + rng.nextInt(below: 255))
            let value = fingerprint(edited)
            #expect(value != original)
            seen.insert(value)
        }
        #expect(seen.count > 19_000)
    }
}

@Suite("Atomic output groups")
struct AtomicGroupTests {
    @Test("a group replaces all its files when it completes, and none when it throws")
    func groupIsAllOrNothing() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try Data("old a".utf8).write(to: a)
        try Data("old b".utf8).write(to: b)
        struct DiskFull: Error {}
        #expect(throws: DiskFull.self) {
            try AtomicFile.group {
                try AtomicFile.write(Data("new a".utf8), to: a)
                // Held back until the group ends: the old file is still in place.
                #expect(try String(contentsOf: a, encoding: .utf8) == "old a")
                throw DiskFull()
            }
        }
        #expect(try String(contentsOf: a, encoding: .utf8) == "old a" && String(contentsOf: b, encoding: .utf8) == "old b")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.txt", "b.txt"], "no temporary left")
        let value = try AtomicFile.group { () throws -> Int in
            try AtomicFile.write(Data("new a".utf8), to: a)
            try AtomicFile.write(Data("new b".utf8), to: b)
            return 7
        }
        #expect(value == 7)
        #expect(try String(contentsOf: a, encoding: .utf8) == "new a" && String(contentsOf: b, encoding: .utf8) == "new b")
        // Outside a group, a write lands at once again.
        try AtomicFile.write(Data("last".utf8), to: a)
        #expect(try String(contentsOf: a, encoding: .utf8) == "last")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.txt", "b.txt"])
    }
}
