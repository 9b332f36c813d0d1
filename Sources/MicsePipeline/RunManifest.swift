import Foundation
import MicseSupport

/// `<stem>.run.json`: what was run, on what, with which settings and seeds, how long each stage
/// took and how much memory it used, so a figure can be reproduced months later.
public struct RunManifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var path: String
        /// Fingerprint of the input file's bytes (MicseSupport.Fingerprint, 64-bit, hex).
        public var fingerprint: String
        public var format: String
        public var documents: Int
        public var skippedEmpty: Int
        public var skippedInvalid: Int
        public var duplicateTexts: Int
        public var textColumn: String
        public var labelColumn: String?
    }
    public struct Model: Codable, Sendable {
        public var name: String
        public var path: String
        public var source: String
        /// Fingerprint of the weights file and config (also the embedding cache key).
        public var identity: String
        public var pooling: String
        public var normalize: Bool
        public var maxLength: Int
        public var dimension: Int
        /// Batching (`--batch-tokens`, `--batch-size`): it changes the vectors' last bits.
        public var batchTokens: Int
        public var batchSize: Int
    }
    public struct Stage: Codable, Sendable {
        public var name: String
        public var seconds: Double
        public var detail: String?
    }

    public var tool = "micse-cluster"
    public var version: String
    public var createdAt: String
    public var commandLine: [String]
    public var input: Input
    /// Nil when embeddings came from `--embeddings`.
    public var model: Model?
    public var embeddingsFile: String?
    /// Fingerprint of the `--embeddings` file's bytes.
    public var embeddingsFingerprint: String?
    public var embeddingCache: String?
    /// The resolved configuration of every stage, seeds included.
    public var configuration: [String: String]
    public var stages: [Stage]
    public var totalSeconds: Double
    public var peakMemoryMiB: Double?
    public var outputs: [String]
    public var threads: Int
    /// OpenBLAS's kernel set (`openblas_get_corename`): results differ in the last bits between kernel sets.
    public var blasKernel: String?

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }
}
