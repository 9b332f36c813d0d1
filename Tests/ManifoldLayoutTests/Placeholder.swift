import Testing

// Tests of ManifoldLayout land here.
@Suite("ManifoldLayout placeholder") struct ManifoldLayoutPlaceholder { @Test func builds() {} }
