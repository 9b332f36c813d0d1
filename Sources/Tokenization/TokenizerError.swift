import MicseSupport

/// Why a tokenizer could not be loaded. Each description is one line naming the file.
public enum TokenizerError: UserFacingError, Equatable {
    /// The model directory has neither `vocab.txt` nor `tokenizer.json`.
    case vocabularyNotFound(directory: String)
    /// A file exists but could not be read or decoded as UTF-8.
    case unreadableFile(path: String, reason: String)
    /// A JSON file is not valid JSON or lacks an expected field.
    case malformedJSON(path: String, reason: String)
    /// The vocabulary lacks a token BERT needs ([CLS], [SEP], [UNK], [PAD] or their configured names).
    case missingSpecialToken(token: String, path: String)
    /// `tokenizer.json` describes a tokenizer other than BERT WordPiece.
    case unsupported(path: String, what: String)

    public var description: String {
        switch self {
        case .vocabularyNotFound(let directory):
            return "no vocab.txt or tokenizer.json in \(directory) — is this a BERT model directory?"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .malformedJSON(let path, let reason):
            return "\(path): \(reason)"
        case .missingSpecialToken(let token, let path):
            return "\(path): the vocabulary has no \(token) token, which BERT needs"
        case .unsupported(let path, let what):
            return "\(path): unsupported tokenizer (\(what)); only BERT WordPiece (BertNormalizer, BertPreTokenizer, WordPiece) is implemented"
        }
    }
}
