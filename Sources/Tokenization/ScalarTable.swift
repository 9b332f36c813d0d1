import Foundation

// What BERT's normalizer and pre-tokenizer do to each Unicode scalar, precomputed.
//
// References (the versions the fixtures were made with): Hugging Face tokenizers 0.23.3 (Rust),
// transformers 5.24.0, whose pure-Python tokenizer is models/bert/tokenization_bert_legacy.py
// (`BasicTokenizer` L258, `_run_strip_accents` L335, `_run_split_on_punc` L346,
// `_tokenize_chinese_chars` L368, `_is_chinese_char` L381, `_clean_text` L405; in transformers
// 4.x the same code is tokenization_bert.py).
//
// Hugging Face `tokenizers` (the Rust library behind `BertTokenizerFast`) normalises a text with
// `BertNormalizer::normalize` (tokenizers/src/normalizers/bert.rs), in this order:
//   1. `do_clean_text`: drop U+0000, U+FFFD and `is_control` characters (general category Cc, Cf
//      or Co in Unicode 8.0, see `unicode8Category`, except \t \n \r), then map `is_whitespace` characters (White_Space, plus \t \n \r)
//      to U+0020;
//   2. `do_handle_chinese_chars`: put a space before and after every `is_chinese_char` scalar;
//   3. `do_strip_accents` (if `strip_accents.unwrap_or(lowercase)`): NFD, then drop Mn marks;
//   4. `lowercase`: each char's full lower-case mapping (`char::to_lowercase`, one char at a time,
//      so a final Σ becomes σ, not ς as Python's str.lower() would give).
// `BertPreTokenizer` (tokenizers/src/pre_tokenizers/bert.rs) then splits on `char::is_whitespace`
// (removed) and on `is_bert_punc` = ASCII punctuation (33–47, 58–64, 91–96, 123–126) or Unicode
// P* (Pc Pd Pe Pf Pi Po Ps), each punctuation char becoming a word of its own.
// The slow Python tokenizer (transformers tokenization_bert.py, `BasicTokenizer._clean_text`,
// `_tokenize_chinese_chars`, `_run_strip_accents`, `_run_split_on_punc`) differs in corners (it
// NFC-normalises first, treats U+2B820–U+2B91F as Chinese, lower-cases a final Σ to ς); this table
// follows the Rust library, which is what `BertTokenizerFast` runs.
//
// Steps 1–4 act on each scalar separately, so their combined effect is a function of one scalar:
// a short list of output scalars, each tagged as part of a word, a word of its own, or a
// separator. (The one cross-scalar effect, NFD's canonical reordering of combining marks, only
// reorders marks that step 3 drops, or spacing marks with a non-zero combining class, which do not
// occur in real text; it is not modelled.)

/// The cleaning/splitting rules that the scalar table depends on.
struct NormalizationRule: Hashable, Sendable {
    var cleanText: Bool
    var tokenizeChineseCharacters: Bool
    var stripAccents: Bool
    var lowercase: Bool

    init(_ options: BertTokenizerOptions) {
        cleanText = options.cleanText
        tokenizeChineseCharacters = options.tokenizeChineseCharacters
        stripAccents = options.resolvedStripAccents
        lowercase = options.lowercase
    }
}

/// An output scalar with its role for the pre-tokenizer, packed in 32 bits:
/// bits 0–20 the scalar, bits 24–25 the kind.
typealias ScalarItem = UInt32

enum ScalarKind {
    /// Part of the current word.
    static let word: UInt32 = 0
    /// Punctuation: ends the current word and is a word of its own.
    static let isolated: UInt32 = 1
    /// Whitespace: ends the current word and is dropped.
    static let separator: UInt32 = 2

    @inline(__always) static func of(_ item: ScalarItem) -> UInt32 { item >> 24 }
    @inline(__always) static func scalar(_ item: ScalarItem) -> UInt32 { item & 0x1F_FFFF }
    @inline(__always) static func make(_ scalar: UInt32, _ kind: UInt32) -> ScalarItem { scalar | (kind << 24) }
}

/// For every scalar of the Basic Multilingual Plane, the items it becomes; scalars above U+FFFF
/// (emoji, rare scripts) are computed on demand by `items(forScalar:)` and cached by the caller.
struct ScalarTable: Sendable {
    let rule: NormalizationRule
    /// `items[bmpStart[c] ..< bmpStart[c + 1]]` are the items of BMP scalar `c`. Count 0x10001.
    let bmpStart: [UInt32]
    let items: [ScalarItem]

    init(rule: NormalizationRule) {
        self.rule = rule
        var start = [UInt32](); start.reserveCapacity(0x10001)
        var items = [ScalarItem](); items.reserveCapacity(0x11000)
        for value in UInt32(0)..<0x10000 {
            start.append(UInt32(items.count))
            if let scalar = Unicode.Scalar(value) { ScalarTable.appendItems(of: scalar, rule: rule, to: &items) }
        }
        start.append(UInt32(items.count))
        self.bmpStart = start
        self.items = items
    }

    /// The items of any scalar (slow: for scalars above U+FFFF and for tests).
    func items(forScalar value: UInt32) -> [ScalarItem] {
        if value < 0x10000 { return Array(items[Int(bmpStart[Int(value)])..<Int(bmpStart[Int(value) + 1])]) }
        var result = [ScalarItem]()
        if let scalar = Unicode.Scalar(value) { ScalarTable.appendItems(of: scalar, rule: rule, to: &result) }
        return result
    }

    /// Steps 1–4 of the file comment for one scalar, then the pre-tokenizer's classification.
    static func appendItems(of scalar: Unicode.Scalar, rule: NormalizationRule, to items: inout [ScalarItem]) {
        let value = scalar.value
        if rule.cleanText {
            // bert.rs `do_clean_text`: `filter(|c| !(c == 0 || c == 0xfffd || is_control(c)))`,
            // then `map(|c| if is_whitespace(c) { ' ' } else { c })`.
            if value == 0 || value == 0xFFFD || isControl(scalar) { return }
            if isWhitespace(scalar) { items.append(ScalarKind.make(0x20, ScalarKind.separator)); return }
        }
        let chinese = rule.tokenizeChineseCharacters && isChineseCharacter(value)
        if chinese { items.append(ScalarKind.make(0x20, ScalarKind.separator)) }
        var outputs: [Unicode.Scalar] = [scalar]
        if rule.stripAccents && value >= 0x80 && isKnownToUnicode8(scalar) {
            // bert.rs `do_strip_accents`: `normalized.nfd().filter(|c| !c.is_mark_nonspacing())`.
            // The NFD tables of `unicode-normalization-alignments` predate U+11938 (Unicode 13,
            // the only canonical decomposition added since 8.0), which they leave as it is.
            outputs = canonicalDecomposition(scalar).filter { unicode8Category($0) != .nonspacingMark }
        }
        if rule.lowercase {
            // normalizer.rs `NormalizedString::lowercase`: `c.to_lowercase()` for each char.
            outputs = outputs.flatMap { s -> [Unicode.Scalar] in
                if s.value < 0x80 { return [Unicode.Scalar(UInt8(ascii: s).lowercasedASCII)] }
                if !s.properties.changesWhenLowercased { return [s] }
                return Array(s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        for s in outputs { items.append(ScalarKind.make(s.value, preTokenizerKind(s))) }
        if chinese { items.append(ScalarKind.make(0x20, ScalarKind.separator)) }
    }

    /// The full canonical decomposition (NFD) of one scalar. CJK unified ideographs have none,
    /// Hangul syllables decompose arithmetically (The Unicode Standard §3.12, "Conjoining Jamo
    /// Behavior"), and the rest goes to Foundation (only building the table pays for it).
    static func canonicalDecomposition(_ s: Unicode.Scalar) -> [Unicode.Scalar] {
        let v = s.value
        if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2FFFF).contains(v) && !(0x2F800...0x2FA1F).contains(v) {
            return [s]
        }
        if (0xAC00...0xD7A3).contains(v) {
            let index = v - 0xAC00                               // SIndex
            let lead = 0x1100 + index / 588                      // LBase + SIndex / NCount
            let vowel = 0x1161 + (index % 588) / 28              // VBase + (SIndex % NCount) / TCount
            let trail = index % 28                               // TIndex; TBase + TIndex if non-zero
            return (trail == 0 ? [lead, vowel] : [lead, vowel, 0x11A7 + trail]).compactMap(Unicode.Scalar.init)
        }
        return Array(String(Character(s)).decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// `BertPreTokenizer`: whitespace separates, punctuation is isolated, the rest forms words.
    static func preTokenizerKind(_ s: Unicode.Scalar) -> UInt32 {
        if s.properties.isWhitespace { return ScalarKind.separator }
        if isPunctuation(s) { return ScalarKind.isolated }
        return ScalarKind.word
    }

    /// bert.rs `is_whitespace`: \t \n \r, or `char::is_whitespace` (the White_Space property).
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == "\t" || s == "\n" || s == "\r" || s.properties.isWhitespace
    }

    /// bert.rs `is_control`: not \t \n \r, and general category Cc, Cf or Co (`char::is_other`
    /// of the `unicode_categories` crate; unassigned code points are kept).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch unicode8Category(s) {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// pre_tokenizers/bert.rs `is_bert_punc`: `char::is_ascii_punctuation(&x) || x.is_punctuation()`.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) }
        switch unicode8Category(s) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The general category of `s` in Unicode 8.0, which is what the `unicode_categories` crate
    /// (`is_other`, `is_punctuation`, `is_mark_nonspacing`, used by bert.rs and
    /// pre_tokenizers/bert.rs) knows: scalars assigned later are unassigned (Cn) to it, so a newer
    /// mark is kept and a newer punctuation sign stays inside its word. Seven older scalars changed
    /// category since 8.0 (DerivedGeneralCategory.txt of each version) and get their 8.0 category
    /// back. The exhaustive fixture `codepoints.txt` checks every scalar against the Rust library.
    static func unicode8Category(_ s: Unicode.Scalar) -> Unicode.GeneralCategory {
        switch s.value {
        case 0x166D, 0x111C9: return .otherPunctuation     // Po → So (Unicode 12) and Po → Mn (11)
        case 0x1734, 0x1171E: return .nonspacingMark       // Mn → Mc (14)
        case 0x1885, 0x1886: return .otherLetter           // Lo → Mn (9)
        case 0xA9BD: return .spacingMark                   // Mc → Mn (12)
        default: break
        }
        return isKnownToUnicode8(s) ? s.properties.generalCategory : .unassigned
    }

    /// Whether `s` was assigned in Unicode 8.0 or earlier.
    static func isKnownToUnicode8(_ s: Unicode.Scalar) -> Bool {
        guard let age = s.properties.age else { return false }
        return age.major < 8 || (age.major == 8 && age.minor == 0)
    }

    /// bert.rs `is_chinese_char`: the CJK Unified Ideographs blocks and extensions A–E plus the
    /// compatibility ideographs. The Rust code starts the fifth range at U+2B920 where
    /// tokenization_bert.py `_is_chinese_char` has U+2B820; the Rust ranges are used here.
    static func isChineseCharacter(_ v: UInt32) -> Bool {
        switch v {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }

    // MARK: - One table per rule, built once per process

    nonisolated(unsafe) private static var cache: [NormalizationRule: ScalarTable] = [:]
    private static let cacheLock = NSLock()

    /// The table for `rule`, built on first use (about 0.1 s) and shared afterwards.
    static func shared(for rule: NormalizationRule) -> ScalarTable {
        cacheLock.lock(); defer { cacheLock.unlock() }
        if let table = cache[rule] { return table }
        let table = ScalarTable(rule: rule)
        cache[rule] = table
        return table
    }
}

extension UInt8 {
    @inline(__always) var lowercasedASCII: UInt8 { (self >= 0x41 && self <= 0x5A) ? self | 0x20 : self }
}
