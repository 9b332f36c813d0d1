// Categorical palettes.
//
//   ≤ 8 categories   Okabe & Ito (2008, "Color Universal Design", https://jfly.uni-koeln.de/color/),
//                    safe for the common colour-vision deficiencies.
//   > 8 categories   Okabe–Ito's seven chromatic colours (moved into the theme's lightness range)
//                    extended Glasbey et al. style (2007, "Colour displays for categorical images"):
//                    greedy max–min distance in OKLab over 6,000 seeded random candidates, also kept
//                    away from the background and the "other" grey. The first 20 form the 20-colour
//                    set (min pairwise ΔE_ok ≈ 13–15, see PaletteTests); beyond 20 the same rule goes on.
//                    Computed, not tabulated beyond the Okabe–Ito seed list; identical on every run.
//
// Past `maxColored` categories, only the largest get colours; the rest share the theme's muted
// "other" colour and one legend line ("other (k labels, n points)").
import MicseSupport

/// Chooses colours for categories. Deterministic for given inputs.
public enum Palette {
    /// How many categories get a colour of their own by default; smaller ones become "other".
    public static let defaultMaxColored = 30

    static let okabeIto: [UInt32] = [0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0xF0E442, 0x000000]
    static let okabeItoDark: [UInt32] = [0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0xF0E442, 0x0072B2, 0xD55E00, 0xF5F5F5]

    /// The first `count` palette colours for `theme` (no "other" handling).
    public static func colors(count: Int, theme: PlotTheme) -> [RGBColor] {
        guard count > 0 else { return [] }
        if count <= 8 {
            return (theme.isDark ? okabeItoDark : okabeIto).prefix(count).map { RGBColor($0) }
        }
        let seeds = (theme.isDark ? okabeItoDark : okabeIto).prefix(7).map { clampLightness(RGBColor($0), to: theme.lightnessRange) }
        return glasbey(count: count, seeds: seeds, theme: theme)
    }

    /// One colour per category: the `maxColored` largest categories (by `counts`, ties by index)
    /// get palette colours, the rest `theme.otherColor`. With at most `maxColored` categories the
    /// colours follow category order, so label 0 is always the first palette colour.
    public static func colors(for categories: [String], counts: [Int], theme: PlotTheme,
                              maxColored: Int = defaultMaxColored) -> [RGBColor] {
        assignment(categoryCount: categories.count, counts: counts, theme: theme, maxColored: maxColored).colors
    }

    /// `colors(for:counts:theme:)` as `#rrggbb` strings (for the HTML map).
    public static func hexColors(for categories: [String], counts: [Int], theme: PlotTheme,
                                 maxColored: Int = defaultMaxColored) -> [String] {
        colors(for: categories, counts: counts, theme: theme, maxColored: maxColored).map(\.hex)
    }

    /// Which categories are coloured, in legend order, and each category's colour.
    public struct Assignment: Sendable, Equatable {
        /// Colour per category index (`theme.otherColor` for "other" categories).
        public var colors: [RGBColor]
        /// Coloured category indices in legend order.
        public var colored: [Int]
        /// Category indices lumped into "other" (empty when everything fits).
        public var other: [Int]
    }

    public static func assignment(categoryCount: Int, counts: [Int], theme: PlotTheme,
                                  maxColored: Int = defaultMaxColored, fixedColors: [RGBColor]? = nil) -> Assignment {
        precondition(counts.count == categoryCount, "counts must have one entry per category")
        let limit = max(1, maxColored)
        // Categories the caller gave the missing-value grey ("(no label)") are not labels: they
        // keep their own legend line and never go into "other".
        let missing = Set((0..<categoryCount).filter { fixedColors?[$0] == theme.missingColor })
        let colored: [Int]
        let other: [Int]
        if categoryCount - missing.count <= limit {
            colored = Array(0..<categoryCount)
            other = []
        } else {
            let ranked = (0..<categoryCount).filter { !missing.contains($0) }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            colored = Array(ranked.prefix(limit)) + missing.sorted()
            other = Array(ranked.dropFirst(limit)).sorted()
        }
        var result = [RGBColor](repeating: theme.otherColor, count: categoryCount)
        if let fixedColors {
            precondition(fixedColors.count == categoryCount, "fixed colours must have one entry per category")
            for c in colored { result[c] = fixedColors[c] }
        } else {
            let palette = colors(count: colored.count, theme: theme)
            for (rank, c) in colored.enumerated() { result[c] = palette[rank] }
        }
        return Assignment(colors: result, colored: colored, other: other)
    }

    /// Keeps a colour's hue and chroma but moves its OKLab lightness into `range`.
    static func clampLightness(_ color: RGBColor, to range: ClosedRange<Float>) -> RGBColor {
        var lab = color.oklab
        let clamped = min(max(lab.x, range.lowerBound), range.upperBound)
        if clamped == lab.x { return color }
        lab.x = clamped
        return RGBColor(linear: OKLab.toLinear(lab))
    }

    /// Greedy max–min palette: repeatedly add the candidate farthest (in OKLab) from every colour
    /// chosen so far and from the background. Candidates: 6,000 seeded random sRGB colours within
    /// the theme's lightness range and with some chroma (greys would read as "other").
    static func glasbey(count: Int, seeds: [RGBColor], theme: PlotTheme) -> [RGBColor] {
        var rng = SplitMix64(seed: 0x61A5_BE40)
        var candidates: [RGBColor] = []
        var labs: [SIMD3<Float>] = []
        candidates.reserveCapacity(6000)
        while candidates.count < 6000 {
            let c = RGBColor(red: UInt8(rng.nextInt(below: 256)), green: UInt8(rng.nextInt(below: 256)),
                             blue: UInt8(rng.nextInt(below: 256)))
            let lab = c.oklab
            let chroma = (lab.y * lab.y + lab.z * lab.z).squareRoot()
            guard theme.lightnessRange.contains(lab.x), chroma > 0.04 else { continue }
            candidates.append(c)
            labs.append(lab)
        }
        var chosen = Array(seeds.prefix(count))
        var minDistance = [Float](repeating: .infinity, count: candidates.count)
        func update(with lab: SIMD3<Float>) {
            for i in labs.indices {
                let d = labs[i] - lab
                minDistance[i] = min(minDistance[i], (d * d).sum())
            }
        }
        update(with: theme.background.oklab)
        update(with: theme.otherColor.oklab)
        for c in chosen { update(with: c.oklab) }
        while chosen.count < count {
            var best = 0
            for i in 1..<minDistance.count where minDistance[i] > minDistance[best] { best = i }
            chosen.append(candidates[best])
            update(with: labs[best])
        }
        return chosen
    }
}
