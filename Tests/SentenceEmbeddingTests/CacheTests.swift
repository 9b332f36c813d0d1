import Foundation
import LinearAlgebra
import MicseSupport
import Testing
import TestSupport
@testable import SentenceEmbedding

@Suite("Embedding cache")
struct CacheTests {
    static let texts = ["first text", "", "a third, longer text with ünïcode"]

    static func key(dimension: Int = 4, pooling: Pooling = .cls, texts: [String] = texts) -> EmbeddingCacheKey {
        EmbeddingCacheKey(modelName: "m", modelIdentity: "0123456789abcdef", tokenizerIdentity: "fedcba9876543210",
                          dimension: dimension, pooling: pooling, maxLength: 128, normalize: false, texts: texts)
    }

    static func vectors(rows: Int = 3, columns: Int = 4) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { Float($0) * 0.25 - 1 })
    }

    func withCache(_ body: (EmbeddingCache) throws -> Void) throws {
        let folder = try makeTemporaryDirectory("micse-cache")
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(EmbeddingCache(directory: folder.appendingPathComponent("embeddings")))
    }

    @Test("One model under two folder names is one entry: the display name is not part of the key")
    func modelNameIsALabel() throws {
        try withCache { cache in
            let key = Self.key()
            try cache.store(Self.vectors(), for: key)
            var renamed = key
            renamed.modelName = "the same model, copied elsewhere"
            #expect(renamed == key && renamed.entryName == key.entryName)
            guard case .hit = cache.lookup(renamed) else { Issue.record("the renamed model should hit"); return }
        }
    }

    @Test("Stored vectors come back bit for bit; other keys miss")
    func roundTrip() throws {
        try withCache { cache in
            let key = Self.key()
            guard case .miss = cache.lookup(key) else { Issue.record("empty cache should miss"); return }
            try cache.store(Self.vectors(), for: key)
            guard case .hit(let m) = cache.lookup(key) else { Issue.record("expected a hit"); return }
            #expect(m == Self.vectors())
            var olderBuild = key
            olderBuild.encoderRevision -= 1   // vectors an older encoder computed are not reused
            // Batching and BLAS kernels change the last bits, so they are part of the key too.
            var otherBatching = key, otherBatchSize = key, otherKernel = key
            otherBatching.batchTokens = 256; otherBatchSize.batchSize = 7; otherKernel.blasKernel = "Prescott"
            for other in [Self.key(pooling: .mean), Self.key(texts: ["first text", " ", Self.texts[2]]),
                          Self.key(texts: Array(Self.texts.reversed())), Self.key(dimension: 8), olderBuild,
                          otherBatching, otherBatchSize, otherKernel] {
                guard case .miss = cache.lookup(other) else { Issue.record("\(other) should miss"); continue }
            }
        }
    }

    @Test("A model of another hidden size never reads the entry, even with forged metadata")
    func otherDimension() throws {
        try withCache { cache in
            let small = Self.key(dimension: 4), large = Self.key(dimension: 8)
            try cache.store(Self.vectors(), for: small)
            // Copy the 4-wide entry to the 8-wide key's file names: the shape check must refuse it.
            try FileManager.default.copyItem(at: cache.dataURL(for: small), to: cache.dataURL(for: large))
            var metadata = try JSONDecoder().decode(EmbeddingCache.Metadata.self, from: Data(contentsOf: cache.metadataURL(for: small)))
            metadata.key = large
            try JSONEncoder().encode(metadata).write(to: cache.metadataURL(for: large))
            guard case .invalid(let reason) = cache.lookup(large) else { Issue.record("forged entry accepted"); return }
            #expect(reason.contains("shape"))
        }
    }

    @Test("Truncated, corrupted or mismatched entries are reported invalid, then replaced by store")
    func staleEntries() throws {
        try withCache { cache in
            let key = Self.key()
            let corruptions: [(String, (URL, URL) throws -> Void)] = [
                ("truncated .npy", { data, _ in
                    let bytes = try Data(contentsOf: data); try bytes.prefix(bytes.count - 5).write(to: data) }),
                ("flipped byte", { data, _ in
                    var bytes = try Data(contentsOf: data); bytes[bytes.count - 3] ^= 0x40; try bytes.write(to: data) }),
                ("metadata of other texts", { _, meta in
                    let text = try String(contentsOf: meta, encoding: .utf8)
                    try text.replacingOccurrences(of: key.textsFingerprint, with: "0000000000000000").write(to: meta, atomically: true, encoding: .utf8) }),
                ("garbage metadata", { _, meta in try Data("{not json".utf8).write(to: meta) }),
                ("missing .npy", { data, _ in try FileManager.default.removeItem(at: data) }),
            ]
            for (name, corrupt) in corruptions {
                try cache.store(Self.vectors(), for: key)
                try corrupt(cache.dataURL(for: key), cache.metadataURL(for: key))
                guard case .invalid = cache.lookup(key) else { Issue.record("\(name): not detected"); continue }
                try cache.store(Self.vectors(), for: key)
                guard case .hit = cache.lookup(key) else { Issue.record("\(name): store did not repair"); continue }
            }
        }
    }

    @Test("Default folder follows MICSE_HOME, then XDG_CACHE_HOME, then ~/.cache")
    func location() {
        #expect(EmbeddingCache.defaultDirectory(environment: ["MICSE_HOME": "/data/micse", "HOME": "/home/u"]).path == "/data/micse/embeddings")
        #expect(EmbeddingCache.defaultDirectory(environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"]).path == "/xdg/micse-cluster/embeddings")
        #expect(EmbeddingCache.defaultDirectory(environment: ["HOME": "/home/u"]).path == "/home/u/.cache/micse-cluster/embeddings")
    }
}
