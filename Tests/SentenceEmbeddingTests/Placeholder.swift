import Testing

// Tests of SentenceEmbedding land here.
@Suite("SentenceEmbedding placeholder") struct SentenceEmbeddingPlaceholder { @Test func builds() {} }
