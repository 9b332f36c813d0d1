// What a plot looks like: size, theme, point size and opacity, density shading, text.
import Foundation
import MicseSupport

/// How points are drawn when there are many of them.
public enum DensityMode: String, Sendable, CaseIterable, Codable {
    /// Anti-aliased discs up to `PlotConfiguration.densityThreshold` points, density shading above.
    case auto
    /// Always density shading (per-pixel counts per category, datashader `count_cat` + `eq_hist`).
    case on
    /// Always discs.
    case off
}

/// Options of one plot. `nil` fields are derived from the data and canvas (see each field).
public struct PlotConfiguration: Sendable, Equatable {
    /// Image width in pixels (one panel; `renderPanels` puts panels side by side). Default 1600.
    public var width: Int
    /// Image height in pixels. nil (the default): fitted to the layout's shape
    /// (`ScatterPlot.fittedHeight`): as tall as the framed points need at `width`, so that a wide
    /// layout gets no empty bands above and below it, and at most `width`. Text, margins and the
    /// automatic point size are then those of a square `width`×`width` canvas.
    public var height: Int?
    public var theme: PlotTheme
    /// Point diameter in pixels. nil: `ScatterPlot.automaticPointDiameter` — discs cover about 10 %
    /// of the plot area in total, clamped to 1.6…12 px.
    public var pointSize: Float?
    /// Point opacity in (0, 1]. nil: `ScatterPlot.automaticAlpha` — 0.9·(5,000/N)^0.2 in 0.3…0.9.
    public var alpha: Float?
    public var density: DensityMode
    /// Above this many points `.auto` switches to density shading. Default 200,000.
    public var densityThreshold: Int
    /// Resolution recorded in the PNG's pHYs chunk (dots per inch). Default 200.
    public var dpi: Double
    /// Title above the plot (e.g. corpus name, N, model); empty for none. With panels it is drawn
    /// once, across the image, and each panel's subtitle goes below it.
    public var title: String
    /// On plots coloured by cluster (`ScatterData.coloring == .cluster`), draws each cluster's
    /// number near the median of its points (`LabelPlacement`: apart from the others, inside the plot).
    public var showClusterNumbers: Bool
    /// Seed of the point drawing order (SplitMix64 shuffle).
    public var seed: UInt64
    /// Categories beyond this many (the smallest) are drawn and listed as one "other" entry.
    public var maxColoredCategories: Int
    /// Draws the legend (name, colour swatch, count per category) right of the plot, when there
    /// is more than one category.
    public var showLegend: Bool
    /// Which points the frame fits: `.auto` pins far-off small groups to its edge (PlotFrame.swift).
    public var framing: PlotFraming

    public init(width: Int = 1600, height: Int? = nil, theme: PlotTheme = .light, pointSize: Float? = nil,
                alpha: Float? = nil, density: DensityMode = .auto, densityThreshold: Int = 200_000, dpi: Double = 200,
                title: String = "", showClusterNumbers: Bool = false, seed: UInt64 = 42,
                maxColoredCategories: Int = Palette.defaultMaxColored, showLegend: Bool = true,
                framing: PlotFraming = .auto) {
        self.width = width; self.height = height; self.theme = theme; self.pointSize = pointSize
        self.alpha = alpha; self.density = density; self.densityThreshold = densityThreshold; self.dpi = dpi
        self.title = title; self.showClusterNumbers = showClusterNumbers; self.seed = seed
        self.maxColoredCategories = maxColoredCategories; self.showLegend = showLegend; self.framing = framing
    }
}

extension PlotConfiguration {
    /// Checks size, point size, opacity and dpi for a plot of `panelCount` panels (what rendering
    /// would reject), so that a caller can refuse them before any expensive work.
    public func validate(panelCount: Int = 1) throws {
        try ScatterPlot.validate(self, panelCount: panelCount)
    }
}

/// Points to plot: coordinates and one category per point.
public struct ScatterData: Sendable {
    public var x: [Float]
    public var y: [Float]
    /// Category index per point, in `0..<categoryNames.count`.
    public var categories: [Int32]
    /// Display name per category (a label, or a cluster number).
    public var categoryNames: [String]
    /// Colour per category chosen by the caller (e.g. to keep a label's colour across plots);
    /// nil: `Palette.assignment`.
    public var colors: [RGBColor]?
    /// Plural noun for the legend's "other (k labels, n points)" line, e.g. "labels", "clusters".
    public var categoryNoun: String
    /// What the categories are; cluster numbers (`PlotConfiguration.showClusterNumbers`) are drawn
    /// only on `.cluster` plots.
    public var coloring: PlotColoring = .label

    /// - Parameter coloring: nil: `.cluster` when `categoryNoun` is "clusters", else `.label`.
    public init(x: [Float], y: [Float], categories: [Int32], categoryNames: [String], colors: [RGBColor]? = nil,
                categoryNoun: String = "labels", coloring: PlotColoring? = nil) {
        self.x = x; self.y = y; self.categories = categories; self.categoryNames = categoryNames
        self.colors = colors; self.categoryNoun = categoryNoun
        self.coloring = coloring ?? (categoryNoun == "clusters" ? .cluster : .label)
    }

    /// One category for all points (no legend entries beyond one; the fire theme shades density).
    public init(x: [Float], y: [Float]) {
        self.init(x: x, y: y, categories: [Int32](repeating: 0, count: x.count), categoryNames: ["points"])
    }

    /// Builds categories from string labels, in order of first appearance.
    public init(x: [Float], y: [Float], labels: [String], categoryNoun: String = "labels") {
        var index: [String: Int32] = [:]
        var names: [String] = []
        var categories = [Int32]()
        categories.reserveCapacity(labels.count)
        for label in labels {
            if let i = index[label] { categories.append(i); continue }
            let i = Int32(names.count)
            index[label] = i
            names.append(label)
            categories.append(i)
        }
        self.init(x: x, y: y, categories: categories, categoryNames: names, categoryNoun: categoryNoun)
    }

    public var count: Int { x.count }

    /// The colour of each category exactly as `ScatterPlot.render` draws it (caller-fixed colours,
    /// else `Palette.assignment`; "other" categories get `theme.otherColor`). Give these (`.hex`)
    /// to the HTML map so that both show the same colours.
    public func resolvedColors(theme: PlotTheme, maxColored: Int = Palette.defaultMaxColored) -> [RGBColor] {
        Palette.assignment(categoryCount: categoryNames.count, counts: categoryCounts, theme: theme,
                           maxColored: maxColored, fixedColors: colors).colors
    }

    /// Points per category.
    public var categoryCounts: [Int] {
        var counts = [Int](repeating: 0, count: categoryNames.count)
        for c in categories where c >= 0 && Int(c) < counts.count { counts[Int(c)] += 1 }
        return counts
    }
}

/// Errors of the Rendering module; each `description` is one line.
public enum RenderingError: UserFacingError, Equatable {
    case noPoints
    case lengthMismatch(x: Int, y: Int, categories: Int)
    case nonFiniteCoordinate(row: Int, x: Float, y: Float)
    case categoryOutOfRange(row: Int, category: Int32, categoryCount: Int)
    case colorCountMismatch(colors: Int, categories: Int)
    case invalidSize(width: Int, height: Int)
    case invalidOption(String)
    case tooManyPointsForSVG(count: Int, limit: Int)
    case pngEncoding(path: String, message: String)
    case pngDecoding(message: String)
    case panelMismatch(String)

    public var description: String {
        switch self {
        case .noPoints: "nothing to plot: there are no points"
        case let .lengthMismatch(x, y, categories):
            "coordinates and categories differ in length: \(x) x, \(y) y, \(categories) categories"
        case let .nonFiniteCoordinate(row, x, y):
            "row \(row + 1): coordinate is not a finite number (x = \(x), y = \(y))"
        case let .categoryOutOfRange(row, category, count):
            "row \(row + 1): category index \(category) is outside 0..<\(count)"
        case let .colorCountMismatch(colors, categories):
            "\(colors) colours given for \(categories) categories"
        case let .invalidSize(width, height):
            "image size \(width)×\(height) is out of range (each side 64…32768 pixels, at most 268 million pixels)"
        case let .invalidOption(message): message
        case let .tooManyPointsForSVG(count, limit):
            "\(count) points are too many for an SVG (limit \(limit)); write a .png instead"
        case let .pngEncoding(path, message): "cannot encode PNG \(path): \(message)"
        case let .pngDecoding(message): "cannot decode PNG: \(message)"
        case let .panelMismatch(message): "panels do not match: \(message)"
        }
    }
}
