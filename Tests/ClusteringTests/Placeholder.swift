import Testing

// Tests of Clustering land here.
@Suite("Clustering placeholder") struct ClusteringPlaceholder { @Test func builds() {} }
