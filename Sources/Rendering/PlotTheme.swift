// Plot themes: background, text and "other" colours, and which palette variant suits the background.

/// The look of a plot.
///
/// - `light`: white background, dark text; palette colours of medium lightness (OKLab L 0.42–0.82).
/// - `dark`: near-black background, light text; palette colours kept light (OKLab L 0.55–0.95).
/// - `fire`: black background like umap-learn's `theme='fire'`. One category is shaded by local
///   density through datashader's "fire" colormap (black → red → orange → yellow → white);
///   several categories use the dark palette on black.
public enum PlotTheme: String, Sendable, CaseIterable, Codable {
    case light, dark, fire

    public var background: RGBColor {
        switch self {
        case .light: RGBColor(0xFFFFFF)
        case .dark: RGBColor(0x15171C)
        case .fire: RGBColor(0x000000)
        }
    }

    /// Title and legend text.
    public var text: RGBColor {
        switch self {
        case .light: RGBColor(0x1A1A1A)
        case .dark, .fire: RGBColor(0xEDEDED)
        }
    }

    /// Secondary text (counts in the legend).
    public var mutedText: RGBColor {
        switch self {
        case .light: RGBColor(0x6B6B6B)
        case .dark, .fire: RGBColor(0x9A9A9A)
        }
    }

    /// The colour of categories that get no colour of their own ("other").
    public var otherColor: RGBColor {
        switch self {
        case .light: RGBColor(0xB4B4B4)
        case .dark, .fire: RGBColor(0x5A5A5A)
        }
    }

    /// The colour of documents that have no category (an empty label, no cluster): a grey further
    /// from the text colour than `otherColor`, so that "(no label)" and "other" look apart.
    public var missingColor: RGBColor {
        switch self {
        case .light: RGBColor(0xDADADA)
        case .dark, .fire: RGBColor(0x474A52)
        }
    }

    /// Whether `color` is one of the greys of categories without a colour of their own (drawn
    /// beneath the coloured points).
    public func isGrey(_ color: RGBColor) -> Bool { color == otherColor || color == missingColor }

    /// The OKLab lightness range palette colours are kept in, so that every colour stands out
    /// from the background.
    var lightnessRange: ClosedRange<Float> {
        switch self {
        case .light: 0.42...0.82
        case .dark, .fire: 0.55...0.95
        }
    }

    var isDark: Bool { self != .light }
}

/// datashader's / colorcet's "fire" colormap, sampled at 9 evenly spaced stops (colorcet 3.x
/// `cc.fire[i·255/8]`) and interpolated in linear light between them.
enum FireColormap {
    static let stops: [RGBColor] = [0x000000, 0x490000, 0x7B0200, 0xB20500, 0xEB1300, 0xFE6600, 0xFFA401, 0xFFD909, 0xFFFFFF]
        .map { RGBColor($0) }
    static let linearStops: [SIMD3<Float>] = stops.map(\.linear)

    /// The colour at `t` ∈ [0, 1], linear light.
    @inline(__always) static func linear(at t: Float) -> SIMD3<Float> {
        let u = max(0, min(1, t)) * Float(stops.count - 1)
        let i = min(Int(u), stops.count - 2)
        let f = u - Float(i)
        return linearStops[i] + (linearStops[i + 1] - linearStops[i]) * f
    }
}
