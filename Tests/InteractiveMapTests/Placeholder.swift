import Testing

// Tests of InteractiveMap land here.
@Suite("InteractiveMap placeholder") struct InteractiveMapPlaceholder { @Test func builds() {} }
