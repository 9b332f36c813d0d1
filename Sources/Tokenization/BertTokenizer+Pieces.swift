// The hot loop: raw UTF-8 → special tokens, normalised words → WordPiece ids.

extension BertTokenizer {
    /// Appends the WordPiece ids of `text` (no `[CLS]`/`[SEP]`, untruncated) to `pieces`.
    ///
    /// One pass over the UTF-8 bytes: at each scalar, first try the special tokens (raw text,
    /// `added_vocabulary.rs`), else decode the scalar and append its `ScalarTable` items to the
    /// current word (`word`, normalised UTF-8), ending the word at separators and around
    /// isolated (punctuation, CJK) scalars. Each finished word goes to `appendWordPieces`.
    func appendPieces(of text: String, to pieces: inout [Int32], word: inout [UInt8],
                      astralItems: inout [UInt32: [ScalarItem]]) {
        var text = text
        var wordScalars = 0
        text.withUTF8 { bytes in
            table.bmpStart.withUnsafeBufferPointer { bmpStart in
                table.items.withUnsafeBufferPointer { items in
                    specialFirstBytes.withUnsafeBufferPointer { specialFirst in
                        @inline(__always) func add(_ item: ScalarItem) {
                            let kind = ScalarKind.of(item)
                            if kind == ScalarKind.word {
                                appendUTF8(ScalarKind.scalar(item), to: &word)
                                wordScalars += 1
                            } else {
                                appendWordPieces(of: &word, scalarCount: wordScalars, to: &pieces)
                                wordScalars = 0
                                if kind == ScalarKind.isolated {
                                    appendUTF8(ScalarKind.scalar(item), to: &word)
                                    appendWordPieces(of: &word, scalarCount: 1, to: &pieces)
                                }
                            }
                        }
                        let n = bytes.count
                        var i = 0
                        while i < n {
                            let lead = bytes[i]
                            if specialFirst[Int(lead)], let (length, id) = matchSpecialToken(bytes, at: i) {
                                appendWordPieces(of: &word, scalarCount: wordScalars, to: &pieces)
                                wordScalars = 0
                                pieces.append(id)
                                i += length
                                continue
                            }
                            // Swift strings hold valid UTF-8, so the continuation bytes are there.
                            var value: UInt32
                            if lead < 0x80 {
                                value = UInt32(lead); i += 1
                            } else if lead < 0xE0 {
                                value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F); i += 2
                            } else if lead < 0xF0 {
                                value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6
                                    | UInt32(bytes[i + 2] & 0x3F); i += 3
                            } else {
                                value = UInt32(lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                                    | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F); i += 4
                            }
                            if value < 0x10000 {
                                var k = Int(bmpStart[Int(value)])
                                let end = Int(bmpStart[Int(value) + 1])
                                while k < end { add(items[k]); k += 1 }
                            } else {
                                if astralItems[value] == nil { astralItems[value] = table.items(forScalar: value) }
                                for item in astralItems[value] ?? [] { add(item) }
                            }
                        }
                        appendWordPieces(of: &word, scalarCount: wordScalars, to: &pieces)
                    }
                }
            }
        }
    }

    /// The longest special token spelled at `bytes[i...]`: its byte length and id.
    @inline(__always)
    func matchSpecialToken(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Int, Int32)? {
        for special in specialTokens where special.bytes.count <= bytes.count - i {
            var k = 0
            while k < special.bytes.count && bytes[i + k] == special.bytes[k] { k += 1 }
            if k == special.bytes.count { return (k, special.id) }
        }
        return nil
    }

    /// WordPiece on one normalised word (`word`, UTF-8 of `scalarCount` scalars), then empties it.
    ///
    /// Mirrors `WordPiece::tokenize` (tokenizers/src/models/wordpiece/mod.rs) and
    /// `WordpieceTokenizer.tokenize` (transformers tokenization_bert.py): a word of more than
    /// `max_input_chars_per_word` chars is `[UNK]`; otherwise take the longest vocabulary entry
    /// that starts the rest of the word (with the `##` prefix after the first piece); if some
    /// position has no match, the whole word is a single `[UNK]`.
    @inline(__always)
    func appendWordPieces(of word: inout [UInt8], scalarCount: Int, to pieces: inout [Int32]) {
        if word.isEmpty { return }
        defer { word.removeAll(keepingCapacity: true) }
        if scalarCount > options.maxInputCharactersPerWord { pieces.append(unkID); return }
        let mark = pieces.count
        let complete: Bool = word.withUnsafeBufferPointer { w in
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
        }
        if !complete {
            pieces.removeSubrange(mark...)
            pieces.append(unkID)
        }
    }
}

/// Appends the UTF-8 encoding of a valid scalar value.
@inline(__always)
func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
    if value < 0x80 {
        bytes.append(UInt8(value))
    } else if value < 0x800 {
        bytes.append(UInt8(0xC0 | (value >> 6)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    } else if value < 0x10000 {
        bytes.append(UInt8(0xE0 | (value >> 12)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    } else {
        bytes.append(UInt8(0xF0 | (value >> 18)))
        bytes.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
        bytes.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
        bytes.append(UInt8(0x80 | (value & 0x3F)))
    }
}
