import MicseSupport

// The data an interactive map shows: one point per document, with its text and up to two categorical
// colourings (labels from the corpus, clusters from k-means). Colours are chosen by the caller (the PNG
// palette lives in Rendering), so the HTML map and the PNG agree.

/// One way of colouring the points: every point belongs to one category (or to none).
public struct MapColoring: Sendable, Equatable {
    /// What the categories are, as shown in the page's "colour by" switch, e.g. "label" or "cluster".
    public var title: String
    /// Per point, the index of its category in `categoryNames`, or −1 for "none" (drawn grey).
    public var categoryIndex: [Int32]
    /// Display names of the categories (untrusted text: shown with `textContent` only).
    public var categoryNames: [String]
    /// One colour per category as `#rrggbb` (or `rrggbb`; case-insensitive).
    public var categoryColors: [String]

    public init(title: String, categoryIndex: [Int32], categoryNames: [String], categoryColors: [String]) {
        self.title = title
        self.categoryIndex = categoryIndex
        self.categoryNames = categoryNames
        self.categoryColors = categoryColors
    }

    /// Convenience for `Int` indices (e.g. k-means assignments); −1 still means "none".
    /// Indices outside `Int32` become −2, which `MapDocument.validate()` reports as out of range.
    public init(title: String, categoryIndex: [Int], categoryNames: [String], categoryColors: [String]) {
        self.init(title: title, categoryIndex: categoryIndex.map { Int32(exactly: $0) ?? -2 },
                  categoryNames: categoryNames, categoryColors: categoryColors)
    }
}

/// A rectangle of the layout plane: the part a map shows when it opens.
public struct MapViewport: Sendable, Equatable {
    public var minX: Float, maxX: Float, minY: Float, maxY: Float
    /// How many points lie outside it (still on the map: zooming out shows them).
    public var outsideCount: Int

    public init(minX: Float, maxX: Float, minY: Float, maxY: Float, outsideCount: Int) {
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
        self.outsideCount = outsideCount
    }
}

/// Everything an HTML map shows. Arrays indexed by point have `x.count` elements.
public struct MapDocument: Sendable, Equatable {
    /// Page title and heading (untrusted text).
    public var title: String
    /// A second heading line, e.g. the model and parameters (untrusted text).
    public var subtitle: String
    /// Layout coordinates; `y` grows upwards on screen, as in the PNG.
    public var x: [Float]
    public var y: [Float]
    /// The documents' texts (untrusted: may contain markup, `</script>`, control characters).
    public var texts: [String]
    /// Row ids shown with each document and used in `#doc=<id>` deep links; `nil` means 0, 1, 2, ….
    public var ids: [Int]?
    /// The corpus labels, if any; the page starts out coloured by this.
    public var labels: MapColoring?
    /// The clusters, if any.
    public var clusters: MapColoring?
    /// Colour of every point when there is no colouring at all (`#rrggbb`).
    public var defaultColor: String
    /// What the page shows first and on "Reset view": e.g. the PNG's frame, which leaves out a few
    /// far-off points that would shrink the map (see Rendering's `PlotFrame`). `nil` fits every point.
    public var initialView: MapViewport?
    /// Page background behind the points (`#rrggbb`), the plot theme's; a dark one gives the page
    /// its dark style (text, panels, controls).
    public var background: String

    public init(title: String, subtitle: String = "", x: [Float], y: [Float], texts: [String], ids: [Int]? = nil,
                labels: MapColoring? = nil, clusters: MapColoring? = nil, defaultColor: String = "#4c72b0",
                initialView: MapViewport? = nil, background: String = "#ffffff") {
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
        self.texts = texts
        self.ids = ids
        self.labels = labels
        self.clusters = clusters
        self.defaultColor = defaultColor
        self.initialView = initialView
        self.background = background
    }

    /// The number of points.
    public var pointCount: Int { x.count }

    /// Checks that the arrays agree in length, coordinates are finite, category indices are in range
    /// and colours parse.
    /// - Throws: `InteractiveMapError` naming the first offending point or category.
    public func validate() throws {
        let n = x.count
        if y.count != n { throw InteractiveMapError.lengthMismatch(field: "y", count: y.count, expected: n) }
        if texts.count != n { throw InteractiveMapError.lengthMismatch(field: "texts", count: texts.count, expected: n) }
        if let ids, ids.count != n { throw InteractiveMapError.lengthMismatch(field: "ids", count: ids.count, expected: n) }
        for i in 0..<n where !x[i].isFinite || !y[i].isFinite {
            throw InteractiveMapError.nonFiniteCoordinate(point: i, id: ids?[i] ?? i)
        }
        _ = try HexColor(defaultColor, context: "default colour")
        _ = try HexColor(background, context: "background colour")
        if let v = initialView {
            let finite = [v.minX, v.maxX, v.minY, v.maxY].allSatisfy(\.isFinite)
            guard finite, v.minX <= v.maxX, v.minY <= v.maxY, (0...n).contains(v.outsideCount) else {
                throw InteractiveMapError.invalidViewport("x \(v.minX)…\(v.maxX), y \(v.minY)…\(v.maxY), \(v.outsideCount) outside of \(n)")
            }
        }
        for coloring in [labels, clusters].compactMap({ $0 }) {
            let title = coloring.title
            if coloring.categoryIndex.count != n {
                throw InteractiveMapError.lengthMismatch(field: "\(title) indices", count: coloring.categoryIndex.count, expected: n)
            }
            if coloring.categoryColors.count != coloring.categoryNames.count {
                throw InteractiveMapError.lengthMismatch(field: "\(title) colours", count: coloring.categoryColors.count,
                                                         expected: coloring.categoryNames.count)
            }
            for (c, color) in coloring.categoryColors.enumerated() {
                _ = try HexColor(color, context: "\(title) \(c) colour")
            }
            let categoryCount = coloring.categoryNames.count
            for i in 0..<n {
                let c = coloring.categoryIndex[i]
                if c < -1 || Int(c) >= categoryCount {
                    throw InteractiveMapError.categoryOutOfRange(coloring: title, point: i, id: ids?[i] ?? i, index: Int(c), categoryCount: categoryCount)
                }
            }
        }
    }
}

/// A colour in `#rrggbb` form, parsed from `#rrggbb`, `rrggbb`, `#rgb` or `rgb`.
struct HexColor: Equatable {
    let normalized: String

    init(_ text: String, context: String) throws {
        var digits = Substring(text.lowercased())
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.allSatisfy({ $0.isHexDigit && $0.isASCII }), digits.count == 6 || digits.count == 3 else {
            throw InteractiveMapError.invalidColor(context: context, value: text)
        }
        normalized = "#" + (digits.count == 3 ? digits.map { "\($0)\($0)" }.joined() : String(digits))
    }

    /// Whether light text reads better on this colour (Rec. 709 luma of the sRGB values below one half).
    var isDark: Bool {
        let v = Int(normalized.dropFirst(), radix: 16) ?? 0xFFFFFF
        let luma = 0.2126 * Double((v >> 16) & 255) + 0.7152 * Double((v >> 8) & 255) + 0.0722 * Double(v & 255)
        return luma < 128
    }
}

/// Errors raised while building an interactive map; `description` is one line.
public enum InteractiveMapError: UserFacingError, Equatable {
    case lengthMismatch(field: String, count: Int, expected: Int)
    case nonFiniteCoordinate(point: Int, id: Int)
    case categoryOutOfRange(coloring: String, point: Int, id: Int, index: Int, categoryCount: Int)
    case invalidColor(context: String, value: String)
    case invalidViewport(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(field, count, expected):
            return "interactive map: \(field) has \(count) entries, expected \(expected) (one per point)"
        case let .nonFiniteCoordinate(point, id):
            return "interactive map: point \(point) (id \(id)) has a non-finite coordinate — check the layout"
        case let .categoryOutOfRange(coloring, point, id, index, categoryCount):
            return "interactive map: point \(point) (id \(id)) has \(coloring) index \(index), but there are \(categoryCount) \(coloring) categories (use -1 for none)"
        case let .invalidColor(context, value):
            return "interactive map: \(context) \"\(value)\" is not a hex colour like #1f77b4"
        case let .invalidViewport(view):
            return "interactive map: the initial view (\(view)) is not a finite rectangle with a point count in range"
        }
    }
}
