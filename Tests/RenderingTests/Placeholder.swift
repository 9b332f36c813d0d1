import Testing

// Tests of Rendering land here.
@Suite("Rendering placeholder") struct RenderingPlaceholder { @Test func builds() {} }
