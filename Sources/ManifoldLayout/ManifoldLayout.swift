// Module ManifoldLayout: see Package.swift for its role.
