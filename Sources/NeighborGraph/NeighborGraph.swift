// Module NeighborGraph: see Package.swift for its role.
