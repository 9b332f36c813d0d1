import Testing

// Tests of NeighborGraph land here.
@Suite("NeighborGraph placeholder") struct NeighborGraphPlaceholder { @Test func builds() {} }
