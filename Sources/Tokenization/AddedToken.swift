import Foundation

/// A token added to the vocabulary (`tokenizers` `AddedToken`, tokenizers/src/tokenizer/added_vocabulary.rs),
/// matched in a text before WordPiece runs, wherever it occurs (leftmost, longest first): in the raw text when
/// `normalized` is false (BERT's `[CLS]`, `[SEP]`, …), else in the normalised text, against its own normalised
/// spelling (`tokenizer.add_tokens(["covid19"])` on an uncased model also matches "COVID19").
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int32
    public var normalized: Bool
    /// Matched only where no word character (`\w`) touches it on either side; a match that fails this is
    /// left as plain text (tokenizers skips it and searches on after it).
    public var singleWord: Bool

    public init(content: String, id: Int32, normalized: Bool, singleWord: Bool = false) {
        self.content = content
        self.id = id
        self.normalized = normalized
        self.singleWord = singleWord
    }

    /// Rust regex's `\w`, which `single_word` tests next to a match: alphabetic, marks, decimal digits,
    /// connector punctuation (`_`) and join controls.
    static func isWordScalar(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) || value == 0x5F
        }
        guard let properties = Unicode.Scalar(value)?.properties else { return false }
        if properties.isAlphabetic || properties.isJoinControl { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// From a `tokenizer.json` `added_tokens` entry or a `tokenizer_config.json` `added_tokens_decoder` value.
    /// `lstrip`/`rstrip` are accepted and ignored: they only take the spaces beside the token into it, and BERT's
    /// pre-tokenizer drops spaces anyway, so the ids are the same.
    /// - Throws: `TokenizerError` for an entry without `content`.
    init(_ object: [String: Any], id: Int32, path: String) throws {
        guard let content = object["content"] as? String, id >= 0 else {
            throw TokenizerError.malformedJSON(path: path, reason: "added token \(id) has no \"content\" string")
        }
        let special = object["special"] as? Bool ?? false
        self.init(content: content, id: id, normalized: object["normalized"] as? Bool ?? !special,
                  singleWord: object["single_word"] as? Bool ?? false)
    }
}
