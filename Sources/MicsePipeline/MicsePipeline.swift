// Module MicsePipeline: see Package.swift for its role.
