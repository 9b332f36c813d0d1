// Module InteractiveMap: see Package.swift for its role.
