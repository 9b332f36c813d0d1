// Module Rendering: see Package.swift for its role.
