// The hot loop: raw UTF-8 → special tokens, normalised words → WordPiece ids.
//
// Written without nested closures that capture mutable state (which would make Swift check
// exclusive access at run time on every byte): the state lives in `Scratch`, passed `inout`.

extension BertTokenizer {
    /// Appends the WordPiece ids of `text` (no `[CLS]`/`[SEP]`, untruncated) to `scratch.pieces`.
    ///
    /// One pass over the UTF-8 bytes: at each scalar, first try the special tokens (raw text,
    /// `added_vocabulary.rs`), else decode the scalar and append its `ScalarTable` items to the
    /// current word (normalised UTF-8), ending the word at separators and around isolated
    /// (punctuation, CJK) scalars. Each finished word goes to `appendWordPieces`.
    func appendPieces(of text: String, scratch: inout Scratch) {
        var text = text
        text.withUTF8 { bytes in
            table.bmpStart.withUnsafeBufferPointer { bmpStart in
                table.items.withUnsafeBufferPointer { items in
                    appendPieces(bytes, bmpStart: bmpStart, items: items, scratch: &scratch)
                }
            }
        }
    }

    private func appendPieces(_ bytes: UnsafeBufferPointer<UInt8>, bmpStart: UnsafeBufferPointer<UInt32>,
                              items: UnsafeBufferPointer<ScalarItem>, scratch: inout Scratch) {
        let n = bytes.count
        let hasSpecialTokens = !specialTokens.isEmpty
        let deferred = !normalizedTokens.isEmpty   // items wait in `pending` for the normalised matching
        var i = 0
        var plainUntil = 0   // the bytes of a `single_word` match that touched a word: plain text
        while i < n {
            let lead = bytes[i]
            if i >= plainUntil && hasSpecialTokens && specialFirstBytes[Int(lead)],
               let (length, id, singleWord) = matchSpecialToken(bytes, at: i) {
                if singleWord && (Self.wordScalarEnds(bytes, before: i) || Self.wordScalarStarts(bytes, at: i + length)) {
                    plainUntil = i + length
                    continue
                }
                if deferred { flushPending(&scratch) }
                finishWord(&scratch)
                scratch.pieces.append(id)
                i += length
                continue
            }
            // Swift strings hold valid UTF-8, so the continuation bytes are there.
            let value = Self.decodeScalar(bytes, at: i)
            i += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            if value < 0x10000 {
                var k = Int(bmpStart[Int(value)])
                let end = Int(bmpStart[Int(value) + 1])
                if deferred {
                    while k < end { scratch.pending.append(items[k]); k += 1 }
                } else {
                    while k < end { add(items[k], &scratch); k += 1 }
                }
            } else {
                let astral = scratch.astralItems[value] ?? table.items(forScalar: value)
                if scratch.astralItems.count < 4096 { scratch.astralItems[value] = astral }
                if deferred { scratch.pending.append(contentsOf: astral) } else { for item in astral { add(item, &scratch) } }
            }
        }
        if deferred { flushPending(&scratch) }
        finishWord(&scratch)
    }

    /// Pre-tokenizes the normalised items in `scratch.pending`, taking out the added tokens with
    /// `normalized: true` (leftmost, then longest) as tokens of their own, as `AddedVocabulary`
    /// splits the normalised text on its `normalized_trie` before the pre-tokenizer runs.
    private func flushPending(_ scratch: inout Scratch) {
        var items: [ScalarItem] = []
        swap(&items, &scratch.pending)
        var p = 0
        scan: while p < items.count {
            for token in normalizedTokens where token.scalars.count <= items.count - p {
                var k = 0
                while k < token.scalars.count && ScalarKind.scalar(items[p + k]) == token.scalars[k] { k += 1 }
                if k == token.scalars.count {
                    if token.singleWord && ((p > 0 && AddedToken.isWordScalar(ScalarKind.scalar(items[p - 1])))
                                            || (p + k < items.count && AddedToken.isWordScalar(ScalarKind.scalar(items[p + k])))) {
                        for q in p..<(p + k) { add(items[q], &scratch) }   // skipped, and not searched again
                    } else {
                        finishWord(&scratch)
                        scratch.pieces.append(token.id)
                    }
                    p += k
                    continue scan
                }
            }
            add(items[p], &scratch)
            p += 1
        }
        items.removeAll(keepingCapacity: true)
        swap(&items, &scratch.pending)
    }

    /// Feeds one normalised scalar to the pre-tokenizer (see `ScalarKind`).
    @inline(__always)
    private func add(_ item: ScalarItem, _ scratch: inout Scratch) {
        let kind = ScalarKind.of(item)
        if kind == ScalarKind.word {
            scratch.word.append(ScalarKind.scalar(item))
        } else {
            finishWord(&scratch)
            if kind == ScalarKind.isolated {
                scratch.word.append(ScalarKind.scalar(item))
                finishWord(&scratch)
            }
        }
    }

    /// Runs WordPiece on the current word, if any, and starts a new one.
    @inline(__always)
    private func finishWord(_ scratch: inout Scratch) {
        if scratch.word.length == 0 { return }
        appendWordPieces(of: scratch.word, to: &scratch.pieces)
        scratch.word.reset()
    }

    /// The longest special token spelled at `bytes[i...]`: its byte length and id.
    @inline(__always)
    func matchSpecialToken(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int32, Bool)? {
        for special in specialTokens where special.bytes.count <= bytes.count - i {
            var k = 0
            while k < special.bytes.count && bytes[i + k] == special.bytes[k] { k += 1 }
            if k == special.bytes.count { return (k, special.id, special.singleWord) }
        }
        return nil
    }

    /// Whether the scalar that ends before byte `i` (valid UTF-8) is a word character (`\w`).
    static func wordScalarEnds(_ bytes: UnsafeBufferPointer<UInt8>, before i: Int) -> Bool {
        guard i > 0 else { return false }
        var start = i - 1
        while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return AddedToken.isWordScalar(decodeScalar(bytes, at: start))
    }

    /// Whether the scalar that starts at byte `i` is a word character (`\w`).
    static func wordScalarStarts(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        i < bytes.count && AddedToken.isWordScalar(decodeScalar(bytes, at: i))
    }

    /// The scalar value of the valid UTF-8 sequence starting at `i`.
    @inline(__always)
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UInt32 {
        let lead = bytes[i]
        if lead < 0x80 { return UInt32(lead) }
        if lead < 0xE0 { return UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F) }
        if lead < 0xF0 { return UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F) }
        return UInt32(lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
    }

    /// WordPiece on one normalised word.
    ///
    /// Mirrors `WordPiece::tokenize` (tokenizers/src/models/wordpiece/mod.rs) and
    /// `WordpieceTokenizer.tokenize` (transformers 5.24.0 tokenization_bert_legacy.py L427): a word of more than
    /// `max_input_chars_per_word` chars is `[UNK]`; otherwise take the longest vocabulary entry
    /// that starts the rest of the word (with the `##` prefix after the first piece); if some
    /// position has no match, the whole word is a single `[UNK]`.
    func appendWordPieces(of word: borrowing WordBuffer, to pieces: inout [Int32]) {
        if word.scalarCount > options.maxInputCharactersPerWord { pieces.append(unkID); return }
        let mark = pieces.count
        let w = word.bytes
        let complete: Bool = {
            var start = 0
            var root = Vocabulary.root
            while start < w.count {
                guard let match = vocabulary.longestMatch(w, start: start, from: root) else { return false }
                pieces.append(match.id)
                start = match.end
                guard let continuation = vocabulary.continuationRoot else { return start == w.count }
                root = continuation
            }
            return true
        }()
        if !complete {
            pieces.removeSubrange(mark...)
            pieces.append(unkID)
        }
    }
}

/// The normalised UTF-8 of the word being built; its storage is kept from word to word and
/// written through a pointer (no copy-on-write uniqueness check per byte).
struct WordBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var length = 0
    private(set) var scalarCount = 0

    init() {
        capacity = 256
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// The bytes of the word so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: length) }

    /// Appends the UTF-8 encoding of a valid scalar value.
    @inline(__always)
    mutating func append(_ value: UInt32) {
        if length + 4 > capacity { grow() }
        scalarCount += 1
        let b = base
        if value < 0x80 {
            b[length] = UInt8(value); length += 1
        } else if value < 0x800 {
            b[length] = UInt8(0xC0 | (value >> 6))
            b[length + 1] = UInt8(0x80 | (value & 0x3F)); length += 2
        } else if value < 0x10000 {
            b[length] = UInt8(0xE0 | (value >> 12))
            b[length + 1] = UInt8(0x80 | ((value >> 6) & 0x3F))
            b[length + 2] = UInt8(0x80 | (value & 0x3F)); length += 3
        } else {
            b[length] = UInt8(0xF0 | (value >> 18))
            b[length + 1] = UInt8(0x80 | ((value >> 12) & 0x3F))
            b[length + 2] = UInt8(0x80 | ((value >> 6) & 0x3F))
            b[length + 3] = UInt8(0x80 | (value & 0x3F)); length += 4
        }
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        larger.update(from: base, count: length)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    @inline(__always)
    mutating func reset() { length = 0; scalarCount = 0 }
}
