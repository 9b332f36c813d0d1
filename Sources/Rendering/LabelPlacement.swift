// Where cluster numbers go on a plot. Each number wants the median of its cluster's points, but
// close clusters would stack their numbers on top of each other, a number near the edge would be
// cut, and a cluster smaller than its number would vanish under it. So numbers are placed one by
// one, largest cluster first, each at the nearest free spot on a grid of offsets around its
// median (steps of half a label width and one label height, nearest first):
//
//   1. the label lies inside the plot area (a box that sticks out is moved in),
//   2. it overlaps no label placed before it,
//   3. it covers at most half of its own cluster's points (sampled).
//
// If no spot within `maxRings` steps meets 2 and 3, the one overlapping the placed labels least
// (then covering the fewest points) wins: every number is drawn.

/// An axis-aligned box in image pixels.
struct LabelBox: Equatable {
    var x0: Float, y0: Float, x1: Float, y1: Float

    init(x0: Float, y0: Float, x1: Float, y1: Float) { self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1 }

    init(centreX: Float, centreY: Float, width: Float, height: Float) {
        self.init(x0: centreX - width / 2, y0: centreY - height / 2, x1: centreX + width / 2, y1: centreY + height / 2)
    }

    var centreX: Float { (x0 + x1) / 2 }
    var centreY: Float { (y0 + y1) / 2 }

    func overlapArea(_ other: LabelBox) -> Float {
        max(0, min(x1, other.x1) - max(x0, other.x0)) * max(0, min(y1, other.y1) - max(y0, other.y0))
    }

    func contains(x: Float, y: Float) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }

    /// Moved (not resized) to lie inside `area` where it fits; centred on an axis where it does not.
    func moved(into area: LabelBox) -> LabelBox {
        func shift(_ a0: Float, _ a1: Float, _ lo: Float, _ hi: Float) -> Float {
            if a1 - a0 > hi - lo { return (lo + hi) / 2 - (a0 + a1) / 2 }
            if a0 < lo { return lo - a0 }
            if a1 > hi { return hi - a1 }
            return 0
        }
        let dx = shift(x0, x1, area.x0, area.x1), dy = shift(y0, y1, area.y0, area.y1)
        return LabelBox(x0: x0 + dx, y0: y0 + dy, x1: x1 + dx, y1: y1 + dy)
    }
}

enum LabelPlacement {
    /// One label to place.
    struct Request {
        /// Where it would like to be (its cluster's median), pixels.
        var x: Float, y: Float
        /// Its size, pixels (text plus halo).
        var width: Float, height: Float
        /// Some of its cluster's points (pixels), to avoid hiding a small cluster.
        var points: [(x: Float, y: Float)]
        /// Placement priority: higher first (the cluster size).
        var weight: Int
    }

    /// The box of each request, in request order.
    static func place(_ requests: [Request], in area: LabelBox, maxRings: Int = 8) -> [LabelBox] {
        let order = requests.indices.sorted { requests[$0].weight != requests[$1].weight ? requests[$0].weight > requests[$1].weight : $0 < $1 }
        var placed: [LabelBox] = []
        var result = [LabelBox?](repeating: nil, count: requests.count)
        for i in order {
            let r = requests[i]
            var best: (box: LabelBox, overlap: Float, covered: Int)?
            for (dx, dy) in offsets(rings: maxRings, width: r.width, height: r.height) {
                let box = LabelBox(centreX: r.x + dx, centreY: r.y + dy, width: r.width, height: r.height).moved(into: area)
                let overlap = placed.reduce(Float(0)) { $0 + $1.overlapArea(box) }
                let covered = r.points.reduce(0) { $0 + (box.contains(x: $1.x, y: $1.y) ? 1 : 0) }
                if overlap == 0, 2 * covered <= r.points.count { best = (box, 0, covered); break }
                if best == nil || (overlap, covered) < (best!.overlap, best!.covered) { best = (box, overlap, covered) }
            }
            let box = best?.box ?? LabelBox(centreX: r.x, centreY: r.y, width: r.width, height: r.height)
            placed.append(box)
            result[i] = box
        }
        return result.map { $0! }
    }

    /// Offsets on a grid of (width/2, height) steps out to `rings` steps, nearest first (ties in a
    /// fixed order: the result does not depend on anything else).
    static func offsets(rings: Int, width: Float, height: Float) -> [(Float, Float)] {
        var grid: [(Float, Float, Float)] = []
        let sx = width / 2, sy = height
        for j in -rings...rings {
            for i in -2 * rings...2 * rings {
                let dx = Float(i) * sx, dy = Float(j) * sy
                grid.append((dx, dy, dx * dx + dy * dy))
            }
        }
        grid.sort { $0.2 != $1.2 ? $0.2 < $1.2 : ($0.1, $0.0) < ($1.1, $1.0) }
        return grid.map { ($0.0, $0.1) }
    }
}
