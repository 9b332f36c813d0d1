import Foundation

/// A token added to the vocabulary (`tokenizers` `AddedToken`, tokenizers/src/tokenizer/added_vocabulary.rs),
/// matched in a text before WordPiece runs, wherever it occurs (leftmost, longest first): in the raw text when
/// `normalized` is false (BERT's `[CLS]`, `[SEP]`, …), else in the normalised text, against its own normalised
/// spelling (`tokenizer.add_tokens(["covid19"])` on an uncased model also matches "COVID19").
public struct AddedToken: Sendable, Equatable {
    public var content: String
    public var id: Int32
    public var normalized: Bool

    public init(content: String, id: Int32, normalized: Bool) {
        self.content = content
        self.id = id
        self.normalized = normalized
    }

    /// From a `tokenizer.json` `added_tokens` entry or a `tokenizer_config.json` `added_tokens_decoder` value.
    /// `lstrip`/`rstrip` are accepted and ignored: they only take the spaces beside the token into it, and BERT's
    /// pre-tokenizer drops spaces anyway, so the ids are the same.
    /// - Throws: `TokenizerError` for an entry without `content`, or with `single_word` (not implemented).
    init(_ object: [String: Any], id: Int32, path: String) throws {
        guard let content = object["content"] as? String, id >= 0 else {
            throw TokenizerError.malformedJSON(path: path, reason: "added token \(id) has no \"content\" string")
        }
        if object["single_word"] as? Bool == true {
            throw TokenizerError.unsupported(path: path, what: "added token \(content.debugDescription) with single_word")
        }
        let special = object["special"] as? Bool ?? false
        self.init(content: content, id: id, normalized: object["normalized"] as? Bool ?? !special)
    }
}
