import Testing

// Tests of Pipeline land here.
@Suite("Pipeline placeholder") struct PipelinePlaceholder { @Test func builds() {} }
