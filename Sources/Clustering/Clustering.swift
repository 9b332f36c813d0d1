// Module Clustering: see Package.swift for its role.
