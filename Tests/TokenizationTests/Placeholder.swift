import Testing

// Tests of Tokenization land here.
@Suite("Tokenization placeholder") struct TokenizationPlaceholder { @Test func builds() {} }
