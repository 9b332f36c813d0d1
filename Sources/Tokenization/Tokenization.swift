// Module Tokenization: see Package.swift for its role.
