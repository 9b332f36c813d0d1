import Foundation
@testable import SentenceEmbedding
import TestSupport
import Testing

private let adversarial = ModelFixtures.directory("tiny-bert-adversarial")

private func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: adversarial.appendingPathComponent(name))) }

private func describe(_ body: () throws -> Void) -> String {
    do { try body(); return "no error" } catch { return "\(error)" }
}

@Suite("pytorch_model.bin: hostile pickles and broken archives are refused with one-line errors")
struct PickleBadInputTests {
    @Test("A pickle calling os.system is refused before anything runs")
    func forbiddenGlobal() throws {
        let marker = "/tmp/micse-pwned"
        try? FileManager.default.removeItem(atPath: marker)
        let message = describe { _ = try RestrictedUnpickler.load(try bytes("os_system.pkl"), path: "os_system.pkl") }
        #expect(message == "os_system.pkl: forbidden pickle global posix.system (a checkpoint may only reference torch tensor/storage rebuilders and OrderedDict)")
        #expect(!FileManager.default.fileExists(atPath: marker))

        let directory = adversarial.appendingPathComponent("evil-bin")
        let viaLoader = describe {
            _ = try WeightLoader.load(directory: directory, configuration: try BertConfiguration.load(from: directory))
        }
        #expect(viaLoader.hasPrefix(directory.appendingPathComponent("pytorch_model.bin").path + ":pytorch_model/data.pkl: forbidden pickle global posix.system"))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("Other globals: builtins, subprocess, torch functions outside the allow-list")
    func otherGlobals() {
        for (module, name) in [("builtins", "eval"), ("subprocess", "Popen"), ("torch", "load"), ("torch._utils", "_rebuild_qtensor"),
                               ("collections", "defaultdict"), ("torch", "ComplexFloatStorage")] {
            let pickle: [UInt8] = [0x80, 0x02, 0x63] + Array("\(module)\n\(name)\n".utf8) + [0x29, 0x52, 0x2E]
            #expect(describe { _ = try RestrictedUnpickler.load(pickle, path: "p.pkl") }
                    .hasPrefix("p.pkl: forbidden pickle global \(module).\(name)"))
            let stackGlobal: [UInt8] = [0x80, 0x04, 0x8C, UInt8(module.utf8.count)] + Array(module.utf8)
                + [0x8C, UInt8(name.utf8.count)] + Array(name.utf8) + [0x93, 0x2E]
            #expect(describe { _ = try RestrictedUnpickler.load(stackGlobal, path: "p.pkl") }
                    .hasPrefix("p.pkl: forbidden pickle global \(module).\(name)"))
        }
    }

    @Test("Unknown opcodes, truncation and stack abuse are invalid pickles")
    func malformed() throws {
        #expect(describe { _ = try RestrictedUnpickler.load(try bytes("unknown_opcode.pkl"), path: "u.pkl") }
                .contains("unsupported pickle opcode 0xfe"))
        let cases: [([UInt8], String)] = [
            ([], "unexpected end of data"),
            ([0x80, 0x02, 0x7D], "unexpected end of data"),          // no STOP
            ([0x80, 0x02, 0x2E], "stack underflow"),                 // STOP on an empty stack
            ([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F], "runs past the end"),  // BINUNICODE of 2 GB
            ([0x80, 0x02, 0x68, 0x07, 0x2E], "memo entry 7 is not defined"),
            ([0x80, 0x02, 0x4B, 0x00, 0x4B, 0x01, 0x4B, 0x02, 0x73, 0x2E], "SETITEM on a non-dict"),
            ([0x80, 0x02, 0x75, 0x2E], "no MARK"),
            ([0x80, 0x02, 0x28, 0x86, 0x2E], "stack underflow"),   // TUPLE2 reaching below a MARK
            ([0x80, 0x02, 0x8A, 0x09] + [UInt8](repeating: 1, count: 9) + [0x2E], "too large"),
            ([0x80, 0x02, 0x4B, 0x01, 0x29, 0x52, 0x2E], "REDUCE of a int"),
            ([0x80, 0x02, 0x4B, 0x01, 0x51, 0x2E], "persistent id"),
            ([0x80, 0x02, 0x8C, 0x02, 0xC3, 0x28, 0x2E], "not valid UTF-8"),
            ([0x80, 0x09, 0x2E], "unsupported pickle protocol 9"),
            ([0x80, 0x02, 0x63, 0x6F, 0x73], "unterminated GLOBAL"),
        ]
        for (pickle, expected) in cases {
            let message = describe { _ = try RestrictedUnpickler.load(pickle, path: "m.pkl") }
            #expect(message.hasPrefix("m.pkl: unreadable pickle at byte ") && message.contains(expected), "\(pickle): \(message)")
        }
    }

    @Test("Compressed entries, truncated archives, legacy format, non-contiguous tensors")
    func archives() throws {
        let deflated = adversarial.appendingPathComponent("deflated-bin/pytorch_model.bin")
        #expect(describe { _ = try PyTorchCheckpoint(url: deflated) }
                .hasPrefix("\(deflated.path): zip entry pytorch_model/"))
        #expect(describe { _ = try PyTorchCheckpoint(url: deflated) }.contains("is compressed (method 8); only stored entries are supported"))

        let good = try Data(contentsOf: ModelFixtures.directory("tiny-bert-bin").appendingPathComponent("pytorch_model.bin"))
        for cut in [0, 10, 100, good.count / 2, good.count - 10] {
            let message = describe { _ = try PyTorchCheckpoint(data: good.prefix(cut), url: URL(fileURLWithPath: "/m/cut.bin")) }
            #expect(message.hasPrefix("/m/cut.bin: ") && !message.contains("\n") && message != "no error", "cut \(cut): \(message)")
        }
        let legacy = Data([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E])
        #expect(describe { _ = try PyTorchCheckpoint(data: legacy, url: URL(fileURLWithPath: "/m/old.bin")) }
                .hasPrefix("/m/old.bin: legacy (pre-1.6, non-zip) PyTorch checkpoint"))
        let transposed = adversarial.appendingPathComponent("noncontiguous.bin")
        #expect(describe { _ = try PyTorchCheckpoint(url: transposed) }
                .contains("tensor embeddings.word_embeddings.weight: non-contiguous layout (shape [3, 2], stride [1, 3])"))
        let missing = URL(fileURLWithPath: "/nonexistent/pytorch_model.bin")
        #expect(describe { _ = try PyTorchCheckpoint(url: missing) } == "/nonexistent/pytorch_model.bin: weight file not found")
    }

    @Test("300,000 nested tuples or 100,000 chained lists neither overflow the stack when built nor when released")
    func deepNesting() {
        let tuples: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 300_000) + [0x2E]
        #expect(describe { try RestrictedUnpickler.load(tuples, path: "t.pkl") } == "no error")
        #expect(describe { _ = try PyTorchCheckpointPickleProbe.stateDict(tuples) }.contains("holds a tuple, not a state dict"))
        // Lists chained after creation through the memo: L0 = []; memo; then repeatedly L_{i+1} = []; append to L_i.
        var lists: [UInt8] = [0x80, 0x02, 0x5D, 0x32]  // EMPTY_LIST, DUP (the root stays at the bottom)
        for _ in 0..<100_000 { lists += [0x5D, 0x71, 0x00, 0x61, 0x68, 0x00] }  // [] BINPUT 0, APPEND, BINGET 0
        lists += [0x30, 0x2E]  // POP, STOP
        #expect(describe { try RestrictedUnpickler.load(lists, path: "l.pkl") } == "no error")
        let tooMany: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: RestrictedUnpickler.containerLimit) + [0x2E]
        #expect(describe { try RestrictedUnpickler.load(tooMany, path: "t.pkl") }.contains("more than 1000000 tuples, lists and dicts"))
        // A failure half-way through a deep structure tears down just as safely.
        #expect(describe { try RestrictedUnpickler.load(Array(tuples.dropLast()), path: "t.pkl") }.contains("unexpected end of data"))
    }

    @Test("Names from the file with newlines or escape codes stay on one line in errors (libFuzzer finding)")
    func controlCharactersInNames() throws {
        // A state-dict key with a newline whose storage is missing from the archive.
        let key = "evil\nname\u{1B}[31m"
        let pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x58] + withUnsafeBytes(of: UInt32(key.utf8.count).littleEndian, Array.init)
            + Array(key.utf8) + [0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8) + [0x28, 0x28]
            + [0x8C, 7] + Array("storage".utf8) + [0x63] + Array("torch\nFloatStorage\n".utf8)
            + [0x8C, 1, 0x30, 0x8C, 3] + Array("cpu".utf8) + [0x4B, 4, 0x74, 0x51, 0x4B, 0, 0x4B, 4, 0x85, 0x4B, 1, 0x85, 0x89, 0x29, 0x74, 0x52, 0x73, 0x2E]
        let message = describe { _ = try PyTorchCheckpointPickleProbe.stateDict(pickle) }
        #expect(message.hasSuffix("probe.bin: invalid checkpoint: tensor evil\\nname\\u{1B}[31m: its storage archive/data/0 is missing from the archive"))
        // The libFuzzer input: a zip entry name holding a newline, in an error about its local header offset.
        let zip = StoredZip.make(["a\nb/data.pkl": [0x2E]])
        var broken = zip
        let directoryEntry = try #require(broken.range(of: Data([0x50, 0x4B, 0x01, 0x02])))
        broken[directoryEntry.lowerBound + 42] = 0xFF  // the entry's local header offset now points past the end
        let zipMessage = describe { _ = try PyTorchCheckpoint(data: broken, url: URL(fileURLWithPath: "z.bin")) }
        #expect(zipMessage.contains("a\\nb/data.pkl") && !zipMessage.contains("\n"), "\(zipMessage)")
    }

    @Test("Views into a storage honour their storage offsets")
    func storageOffsets() throws {
        let checkpoint = try PyTorchCheckpoint(url: adversarial.appendingPathComponent("views.bin"))
        #expect(try checkpoint.tensors["row"]?.floats() == Tensor(shape: [3], values: [3, 4, 5]))
        #expect(try checkpoint.tensors["tail"]?.floats() == Tensor(shape: [2, 3], values: [6, 7, 8, 9, 10, 11]))
    }

    @Test("The state dict pickle of the tiny checkpoint decodes to tensors with the saved layout")
    func decodesStateDict() throws {
        let checkpoint = try PyTorchCheckpoint(url: ModelFixtures.directory("tiny-bert-bin-prefixed").appendingPathComponent("pytorch_model.bin"))
        #expect(checkpoint.tensors["bert.embeddings.word_embeddings.weight"]?.shape == [741, 32])
        #expect(checkpoint.tensors["bert.embeddings.LayerNorm.gamma"]?.dtype == .f32)
        #expect(checkpoint.tensors["bert.embeddings.position_ids"]?.dtype == .i64)
        #expect(checkpoint.tensors["cls.predictions.bias"]?.shape == [741])
        // The tied decoder weight shares storage 0 with the word embeddings.
        let decoder = try #require(checkpoint.tensors["cls.predictions.decoder.weight"])
        #expect(try decoder.floats() == checkpoint.tensors["bert.embeddings.word_embeddings.weight"]?.floats())
    }
}

/// Runs the checkpoint's state-dict extraction on a raw pickle (through a one-entry torch.save-like zip).
enum PyTorchCheckpointPickleProbe {
    static func stateDict(_ pickle: [UInt8]) throws -> PyTorchCheckpoint {
        try PyTorchCheckpoint(data: StoredZip.make(["archive/data.pkl": pickle]), url: URL(fileURLWithPath: "probe.bin"))
    }
}

/// Writes a zip of stored entries (no compression), as torch.save does; for tests.
enum StoredZip {
    static func make(_ entries: [String: [UInt8]]) -> Data {
        var out = Data(), directory = Data()
        func u16(_ v: Int, _ d: inout Data) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        func u32(_ v: Int, _ d: inout Data) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        for (name, bytes) in entries.sorted(by: { $0.key < $1.key }) {
            let offset = out.count
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
            u32(0, &out); u32(bytes.count, &out); u32(bytes.count, &out); u16(name.utf8.count, &out); u16(0, &out)
            out.append(contentsOf: Array(name.utf8)); out.append(contentsOf: bytes)
            u32(0x0201_4B50, &directory); u16(20, &directory); u16(20, &directory); u16(0, &directory); u16(0, &directory)
            u16(0, &directory); u16(0, &directory); u32(0, &directory); u32(bytes.count, &directory); u32(bytes.count, &directory)
            u16(name.utf8.count, &directory); u16(0, &directory); u16(0, &directory); u16(0, &directory); u16(0, &directory)
            u32(0, &directory); u32(offset, &directory); directory.append(contentsOf: Array(name.utf8))
        }
        let directoryOffset = out.count
        out.append(directory)
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
        u32(directory.count, &out); u32(directoryOffset, &out); u16(0, &out)
        return out
    }
}
