import Foundation
import MicseSupport
@testable import SentenceEmbedding
import Testing

/// Seeded random mutations of valid files (bit flips, byte pokes, digit edits inside JSON, truncations, length-field
/// edits, insertions, deletions, splices), fed to the parsers. The assertion is that every input either parses — and
/// then every float tensor converts without reading outside the file — or throws a one-line `ModelLoadingError`;
/// a crash or an out-of-bounds read kills the test process. Deterministic: the seeds are fixed.
/// The libFuzzer harness in Tests/Fuzz explores the same entry points without a time limit.
struct Mutator {
    var rng: SplitMix64
    /// The byte range most mutations aim at (the header, the pickle, the zip directory); the rest is hit rarely.
    var focus: Range<Int>

    mutating func int(_ bound: Int) -> Int { bound <= 1 ? 0 : rng.nextInt(below: bound) }

    mutating func position(in bytes: [UInt8]) -> Int {
        guard !bytes.isEmpty else { return 0 }
        if int(8) > 0, !focus.isEmpty, focus.upperBound <= bytes.count { return focus.lowerBound + int(focus.count) }
        return int(bytes.count)
    }

    static let interesting: [UInt64] = [0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF,
                                        0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF]

    mutating func mutate(_ input: [UInt8], lengthFieldAt lengthOffset: Int?) -> [UInt8] {
        var bytes = input
        for _ in 0...int(3) {
            guard !bytes.isEmpty else { break }
            let at = position(in: bytes)
            guard at < bytes.count else { continue }
            switch int(9) {
            case 0: bytes[at] ^= UInt8(1) << UInt8(int(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: Self.interesting[int(Self.interesting.count)] &+ UInt64(int(2)))
            case 2: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            case 3:  // a digit in JSON text becomes another digit, or gains one (offsets and shapes grow by 10×)
                if let digit = bytes[at...].prefix(256).firstIndex(where: { (0x30...0x39).contains($0) }) {
                    if int(2) == 0 { bytes[digit] = 0x30 + UInt8(int(10)) } else { bytes.insert(0x30 + UInt8(int(10)), at: digit) }
                }
            case 4: bytes.removeSubrange(at..<min(bytes.count, at + 1 + int(16)))
            case 5: bytes.insert(contentsOf: (0..<(1 + int(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 6: bytes = Array(bytes.prefix(int(bytes.count)))  // truncation
            case 7:  // overwrite 2, 4 or 8 bytes with an interesting little-endian value (lengths, offsets, counts)
                let width = [2, 4, 8][int(3)]
                let offset = int(2) == 0 ? (lengthOffset ?? at) : at
                guard offset + width <= bytes.count else { continue }
                var value = Self.interesting[int(Self.interesting.count)]
                if int(3) == 0 { value = UInt64(bytes.count) &+ UInt64(bitPattern: Int64(int(32) - 16)) }
                for k in 0..<width { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
            default:  // splice: copy a chunk of the file over another place
                let length = 1 + int(32)
                let from = int(bytes.count)
                let chunk = Array(bytes[from..<min(bytes.count, from + length)])
                bytes.replaceSubrange(at..<min(bytes.count, at + chunk.count), with: chunk)
            }
        }
        return bytes
    }
}

/// Tallies outcomes and checks that every failure is a one-line ModelLoadingError.
struct FuzzTally: CustomStringConvertible {
    var parsed = 0, rejected = 0
    mutating func run(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            parsed += 1
        } catch let error as ModelLoadingError {
            rejected += 1
            #expect(!error.description.contains("\n"), "multi-line error: \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("not a ModelLoadingError: \(error)", sourceLocation: sourceLocation)
        }
    }
    var description: String { "\(parsed + rejected) inputs ran clean (\(parsed) parsed, \(rejected) rejected with an error)" }
}

/// Parses `bytes` as safetensors and converts every float tensor (what a crash-hunting harness must exercise).
func fuzzSafeTensors(_ bytes: [UInt8]) throws {
    let file = try SafeTensorsFile(data: Data(bytes), url: URL(fileURLWithPath: "fuzz.safetensors"))
    for tensor in file.tensors.values where tensor.dtype.convertsToFloat && tensor.unknownDType == nil {
        _ = try tensor.floats()
    }
}

func fuzzCheckpoint(_ bytes: [UInt8]) throws {
    let checkpoint = try PyTorchCheckpoint(data: Data(bytes), url: URL(fileURLWithPath: "fuzz.bin"))
    for tensor in checkpoint.tensors.values where tensor.dtype.convertsToFloat { _ = try tensor.floats() }
}

@Suite("Fuzzing: seeded mutations of valid files only ever parse or throw")
struct ModelFuzzTests {
    static let safeTensors = ModelFixtures.directory("tiny-bert-f16").appendingPathComponent("model.safetensors")
    static let checkpoint = ModelFixtures.directory("tiny-bert-bin").appendingPathComponent("pytorch_model.bin")

    @Test("safetensors header parser: 3,000 mutated files")
    func safeTensorsMutations() throws {
        let seed = Array(try Data(contentsOf: Self.safeTensors))
        let headerLength = seed.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var mutator = Mutator(rng: SplitMix64(seed: 0x5AFE_7E45), focus: 0..<(8 + headerLength))
        var tally = FuzzTally()
        for _ in 0..<3_000 {
            let input = mutator.mutate(seed, lengthFieldAt: 0)
            tally.run { try fuzzSafeTensors(input) }
        }
        print("fuzz safetensors: \(tally)")
        #expect(tally.rejected > 1_000 && tally.parsed > 0)
    }

    @Test("restricted unpickler: 2,000 mutated state-dict pickles")
    func pickleMutations() throws {
        let archive = try ZipArchive(data: try Data(contentsOf: Self.checkpoint), path: "seed")
        let entry = try #require(archive["pytorch_model/data.pkl"])
        let seed = Array(try Data(contentsOf: Self.checkpoint)[entry.dataRange])
        #expect(throws: Never.self) { _ = try RestrictedUnpickler.load(seed, path: "seed") }
        var mutator = Mutator(rng: SplitMix64(seed: 0x91C_C1E5), focus: 0..<seed.count)
        var tally = FuzzTally()
        for _ in 0..<2_000 {
            let input = mutator.mutate(seed, lengthFieldAt: nil)
            tally.run { _ = try RestrictedUnpickler.load(input, path: "fuzz.pkl") }
        }
        print("fuzz pickle: \(tally)")
        #expect(tally.rejected > 1_000)
    }

    @Test("pytorch_model.bin reader (zip directory + pickle + storages): 1,200 mutated archives")
    func checkpointMutations() throws {
        let seed = Array(try Data(contentsOf: Self.checkpoint))
        let archive = try ZipArchive(data: Data(seed), path: "seed")
        let pickle = try #require(archive["pytorch_model/data.pkl"]).dataRange
        var tally = FuzzTally()
        // Half the runs aim at the pickle, half at the central directory and end records (the last ~3 KB).
        for (index, focus) in [pickle, max(0, seed.count - 3_000)..<seed.count].enumerated() {
            var mutator = Mutator(rng: SplitMix64(seed: 0xC4EC_0000 + UInt64(index)), focus: focus)
            for _ in 0..<600 {
                let input = mutator.mutate(seed, lengthFieldAt: nil)
                tally.run { try fuzzCheckpoint(input) }
            }
        }
        print("fuzz pytorch_model.bin: \(tally)")
        #expect(tally.rejected > 500)
    }
}
