/// The settings of Hugging Face's `BertNormalizer`, `BertPreTokenizer` and `WordPiece` model that
/// change the ids. Defaults are those of `BertTokenizerFast` for an uncased model
/// (bert-base-uncased, all-MiniLM-L6-v2, miCSE).
///
/// Mirrors `tokenizers/src/normalizers/bert.rs` (`BertNormalizer { clean_text, handle_chinese_chars,
/// strip_accents, lowercase }`) and `tokenizers/src/models/wordpiece/mod.rs`
/// (`continuing_subword_prefix`, `max_input_chars_per_word`); in `tokenizer_config.json` the same
/// switches are called `do_lower_case`, `strip_accents` and `tokenize_chinese_chars`.
public struct BertTokenizerOptions: Sendable, Equatable {
    /// Lower-case every character (`do_lower_case`, `lowercase`). Default `true`.
    public var lowercase: Bool
    /// Remove accents: NFD-decompose, then drop nonspacing marks (Mn). `nil` follows `lowercase`,
    /// as `strip_accents: null` does in both the Python and the Rust tokenizer. Default `nil`.
    public var stripAccents: Bool?
    /// Put spaces around CJK ideographs so each is a word (`tokenize_chinese_chars`,
    /// `handle_chinese_chars`). Default `true`.
    public var tokenizeChineseCharacters: Bool
    /// Drop NUL, U+FFFD and control/format/private-use characters, map whitespace to a space
    /// (`clean_text`; `BertTokenizerFast` always sets it). Default `true`.
    public var cleanText: Bool
    /// Words of more scalars than this become one `[UNK]` (`max_input_chars_per_word`). Default 100.
    public var maxInputCharactersPerWord: Int
    /// The prefix of word-continuation pieces. Default `"##"`.
    public var continuingSubwordPrefix: String
    /// Names of the special tokens (looked up in the vocabulary).
    public var clsToken: String
    public var sepToken: String
    public var unkToken: String
    public var padToken: String
    public var maskToken: String
    /// The model's maximum sequence length (`model_max_length`), if the files give a real one.
    public var modelMaxLength: Int?

    public init(lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseCharacters: Bool = true,
                cleanText: Bool = true, maxInputCharactersPerWord: Int = 100, continuingSubwordPrefix: String = "##",
                clsToken: String = "[CLS]", sepToken: String = "[SEP]", unkToken: String = "[UNK]",
                padToken: String = "[PAD]", maskToken: String = "[MASK]", modelMaxLength: Int? = nil) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.tokenizeChineseCharacters = tokenizeChineseCharacters
        self.cleanText = cleanText
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.clsToken = clsToken
        self.sepToken = sepToken
        self.unkToken = unkToken
        self.padToken = padToken
        self.maskToken = maskToken
        self.modelMaxLength = modelMaxLength
    }

    /// Whether accents are stripped once `stripAccents: nil` is resolved
    /// (`let strip_accents = self.strip_accents.unwrap_or(self.lowercase)`, bert.rs).
    public var resolvedStripAccents: Bool { stripAccents ?? lowercase }
}
