// Module SentenceEmbedding: see Package.swift for its role.
