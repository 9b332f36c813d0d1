import Foundation
import MicseSupport

/// BERT's WordPiece tokenizer, giving exactly the `input_ids`, `attention_mask` and
/// `token_type_ids` of Hugging Face's `BertTokenizerFast` for the same vocabulary and settings
/// (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers", §3 and
/// Wu et al. 2016 for WordPiece).
///
/// A text goes through, in order:
/// 1. special-token matching on the raw text: a literal `[SEP]`, `[CLS]`, `[UNK]`, `[PAD]` or
///    `[MASK]`, or another added token with `normalized: false` (case-sensitive, anywhere,
///    leftmost-longest) becomes that token, as `AddedVocabulary::split_with_indices` does in
///    tokenizers/src/tokenizer/added_vocabulary.rs;
/// 2. `BertNormalizer` (see `ScalarTable.swift`), then the added tokens with `normalized: true`
///    matched in the normalised text, then `BertPreTokenizer` on the rest;
/// 3. `WordPiece` per word (see `appendWordPieces`): a word of more than
///    `maxInputCharactersPerWord` scalars, or with any piece not in the vocabulary, is one `[UNK]`;
/// 4. the `TemplateProcessing` post-processor `[CLS] $A [SEP]`, with the pieces truncated first
///    so that the whole fits `maxLength` (`truncation=True, max_length=N`).
///
/// The work is done on UTF-8 bytes with precomputed tables; no `String` or `Character` is made
/// per token. A tokenizer is immutable and can be shared between threads.
public struct BertTokenizer: Sendable {
    /// The settings it was built with.
    public let options: BertTokenizerOptions
    public let clsID: Int32
    public let sepID: Int32
    public let padID: Int32
    public let unkID: Int32
    /// The model's maximum sequence length from the tokenizer files (`model_max_length`), if any.
    public var modelMaxLength: Int? { options.modelMaxLength }
    /// The number of entries of the vocabulary, added tokens included (the largest id + 1).
    public let vocabularySize: Int

    let vocabulary: Vocabulary
    let table: ScalarTable
    /// Special tokens matched in the raw text, longest first.
    let specialTokens: [(bytes: [UInt8], id: Int32, singleWord: Bool)]
    /// Whether a byte can start a special token (256 entries).
    let specialFirstBytes: [Bool]
    /// Added tokens matched in the normalised text: their normalised scalars, longest first.
    let normalizedTokens: [(scalars: [UInt32], id: Int32, singleWord: Bool)]
    /// Every added token, for `token(for:)`.
    let addedTokens: [AddedToken]

    /// A tokenizer over `vocabulary` (tokens in id order, as the lines of `vocab.txt`).
    ///
    /// - Parameters:
    ///   - vocabulary: the tokens; token `i` has id `i`.
    ///   - options: normaliser and WordPiece settings, and the special-token names.
    ///   - source: the file named in errors.
    ///   - addedTokens: tokens matched before WordPiece (tokenizer.json's `added_tokens`), with their
    ///     ids, which may lie beyond the vocabulary; the five BERT special tokens are matched in the raw
    ///     text even when not listed.
    /// - Throws: `TokenizerError.missingSpecialToken` if [CLS], [SEP], [UNK] or [PAD] (by their
    ///   configured names) is not in the vocabulary.
    public init(vocabulary tokens: [String], options: BertTokenizerOptions = BertTokenizerOptions(),
                source: String = "vocabulary", addedTokens: [AddedToken] = []) throws {
        guard let vocabulary = Vocabulary(tokens: tokens, continuingSubwordPrefix: options.continuingSubwordPrefix) else {
            throw TokenizerError.unsupported(path: source, what: "vocabulary larger than 16 MB of token text")
        }
        func required(_ name: String) throws -> Int32 {
            guard let id = vocabulary.id(of: name) else { throw TokenizerError.missingSpecialToken(token: name, path: source) }
            return id
        }
        self.options = options
        self.vocabulary = vocabulary
        clsID = try required(options.clsToken)
        sepID = try required(options.sepToken)
        unkID = try required(options.unkToken)
        padID = try required(options.padToken)
        let table = ScalarTable.shared(for: NormalizationRule(options))
        var specials: [(bytes: [UInt8], id: Int32, singleWord: Bool)] = []
        var normalized: [(scalars: [UInt32], id: Int32, singleWord: Bool)] = []
        var seen = Set<String>()
        for token in addedTokens where !token.content.isEmpty && seen.insert(token.content).inserted {
            if token.normalized {
                // Its normalised spelling (tokenizers normalises the patterns of normalised tokens too).
                let scalars = token.content.unicodeScalars.flatMap { table.items(forScalar: $0.value).map(ScalarKind.scalar) }
                if !scalars.isEmpty { normalized.append((scalars, token.id, token.singleWord)) }
            } else {
                specials.append((Array(token.content.utf8), token.id, token.singleWord))
            }
        }
        for name in [options.padToken, options.unkToken, options.clsToken, options.sepToken, options.maskToken]
        where !name.isEmpty && seen.insert(name).inserted {
            if let id = vocabulary.id(of: name) { specials.append((Array(name.utf8), id, false)) }
        }
        specials.sort { $0.bytes.count > $1.bytes.count }
        normalized.sort { $0.scalars.count > $1.scalars.count }
        specialTokens = specials
        normalizedTokens = normalized
        self.addedTokens = addedTokens
        vocabularySize = max(vocabulary.count, Int(addedTokens.map(\.id).max() ?? -1) + 1)
        var first = [Bool](repeating: false, count: 256)
        for special in specials { first[Int(special.bytes[0])] = true }
        specialFirstBytes = first
        self.table = table
    }

    // MARK: - Encoding one text

    /// Buffers reused from one text to the next (one per thread).
    struct Scratch: ~Copyable {
        var word = WordBuffer()
        var pieces: [Int32] = []
        var astralItems: [UInt32: [ScalarItem]] = [:]
        /// Normalised items not yet pre-tokenized, while the model has normalised added tokens.
        var pending: [ScalarItem] = []
        init() { pieces.reserveCapacity(64) }
    }

    /// The ids of `text` with `[CLS]` and `[SEP]`, the pieces truncated so that the whole has at
    /// most `maxLength` ids (no truncation if nil).
    /// - Precondition: `maxLength` is nil or at least 2.
    public func encode(_ text: String, maxLength: Int? = nil) -> [Int32] {
        var scratch = Scratch()
        return encode(text, maxLength: maxLength, scratch: &scratch).ids
    }

    /// `encode`, and whether the text had to be truncated.
    public func encodeReportingTruncation(_ text: String, maxLength: Int?) -> (ids: [Int32], truncated: Bool) {
        var scratch = Scratch()
        return encode(text, maxLength: maxLength, scratch: &scratch)
    }

    func encode(_ text: String, maxLength: Int?, scratch: inout Scratch) -> (ids: [Int32], truncated: Bool) {
        precondition(maxLength.map { $0 >= 2 } ?? true, "maxLength must leave room for [CLS] and [SEP]")
        scratch.pieces.removeAll(keepingCapacity: true)
        appendPieces(of: text, scratch: &scratch)
        let kept = maxLength.map { min(scratch.pieces.count, $0 - 2) } ?? scratch.pieces.count
        var ids = [Int32](); ids.reserveCapacity(kept + 2)
        ids.append(clsID)
        ids.append(contentsOf: scratch.pieces[0..<kept])
        ids.append(sepID)
        return (ids, kept < scratch.pieces.count)
    }

    /// The WordPiece ids of `text`, without `[CLS]`/`[SEP]` and untruncated.
    public func pieceIDs(_ text: String) -> [Int32] {
        var scratch = Scratch()
        appendPieces(of: text, scratch: &scratch)
        return scratch.pieces
    }

    /// The tokens of `text` as strings, with `[CLS]` and `[SEP]` (for debugging).
    public func tokens(_ text: String, maxLength: Int? = nil) -> [String] {
        encode(text, maxLength: maxLength).map { token(for: $0) ?? "<\($0)>" }
    }

    /// The token string of `id`, if it is in the vocabulary.
    public func token(for id: Int32) -> String? {
        if let added = addedTokens.first(where: { $0.id == id }) { return added.content }
        return vocabulary.tokens.indices.contains(Int(id)) ? vocabulary.tokens[Int(id)] : nil
    }

    /// The id of `token` exactly, if it is in the vocabulary.
    public func id(for token: String) -> Int32? { vocabulary.id(of: token) }

    // MARK: - Batches

    /// Encodes every text (as `encode`) on up to `threads` threads; results in input order,
    /// independent of the thread count.
    public func encodeBatch(_ texts: [String], maxLength: Int?, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [[Int32]] {
        encodeBatchCountingTruncation(texts, maxLength: maxLength, threads: threads).ids
    }

    /// `encodeBatch`, and how many texts were truncated.
    public func encodeBatchCountingTruncation(_ texts: [String], maxLength: Int?, threads: Int = ProcessInfo.processInfo.activeProcessorCount)
        -> (ids: [[Int32]], truncatedCount: Int) {
        precondition(maxLength.map { $0 >= 2 } ?? true, "maxLength must leave room for [CLS] and [SEP]")
        let workers = max(1, threads)
        let chunkCount = workers == 1 ? 1 : max(workers, min(texts.count / 256, 256))
        var results = [[Int32]](repeating: [], count: texts.count)
        var truncated = [Int](repeating: 0, count: chunkCount)
        results.withUnsafeMutableBufferPointer { out in
            truncated.withUnsafeMutableBufferPointer { counts in
                let out = UnsafeSendableBox(out), counts = UnsafeSendableBox(counts)
                parallelFor(chunks: chunkCount, threads: workers) { chunk in
                    var scratch = Scratch()
                    var count = 0
                    for i in chunkRange(chunk, of: chunkCount, count: texts.count) {
                        let (ids, wasTruncated) = encode(texts[i], maxLength: maxLength, scratch: &scratch)
                        out.value[i] = ids
                        if wasTruncated { count += 1 }
                    }
                    counts.value[chunk] = count
                }
            }
        }
        return (results, truncated.reduce(0, +))
    }

    /// Pads encoded sequences on the right with `[PAD]` to `length` (default: the longest), as
    /// `padding="longest"` / `padding="max_length"` do. Longer sequences must have been truncated.
    /// - Precondition: no sequence is longer than `length`.
    public func pad(_ sequences: [[Int32]], toLength length: Int? = nil) -> TokenBatch {
        let longest = sequences.map(\.count).max() ?? 0
        let width = length ?? longest
        precondition(longest <= width, "a sequence of \(longest) ids does not fit length \(width)")
        var ids = [Int32](repeating: padID, count: sequences.count * width)
        var mask = [Int32](repeating: 0, count: sequences.count * width)
        for (row, sequence) in sequences.enumerated() {
            for (column, id) in sequence.enumerated() {
                ids[row * width + column] = id
                mask[row * width + column] = 1
            }
        }
        return TokenBatch(sequenceCount: sequences.count, sequenceLength: width, ids: ids, attentionMask: mask,
                          tokenTypeIDs: [Int32](repeating: 0, count: sequences.count * width),
                          lengths: sequences.map(\.count))
    }
}

/// Padded model inputs, row-major `(sequenceCount, sequenceLength)`.
public struct TokenBatch: Sendable, Equatable {
    public var sequenceCount: Int
    public var sequenceLength: Int
    /// `input_ids`: (sequenceCount, sequenceLength), padded with `[PAD]`.
    public var ids: [Int32]
    /// `attention_mask`: 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]
    /// `token_type_ids`: all 0 (single sentences).
    public var tokenTypeIDs: [Int32]
    /// The unpadded length of each sequence.
    public var lengths: [Int]

    public init(sequenceCount: Int, sequenceLength: Int, ids: [Int32], attentionMask: [Int32], tokenTypeIDs: [Int32], lengths: [Int]) {
        self.sequenceCount = sequenceCount
        self.sequenceLength = sequenceLength
        self.ids = ids
        self.attentionMask = attentionMask
        self.tokenTypeIDs = tokenTypeIDs
        self.lengths = lengths
    }
}
