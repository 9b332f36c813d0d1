import Testing
@testable import Rendering

@Suite("Palette")
struct PaletteTests {
    /// Smallest pairwise ΔE_ok among `colors`.
    func minimumDistance(_ colors: [RGBColor]) -> Float {
        var worst = Float.infinity
        for i in colors.indices { for j in colors.indices where j > i { worst = min(worst, colors[i].distance(to: colors[j])) } }
        return worst
    }

    @Test("hex strings round-trip", arguments: ["#0072b2", "#d55e00", "#000000", "#ffffff"])
    func hexRoundTrip(_ hex: String) throws {
        let color = try #require(RGBColor(hex: hex))
        #expect(color.hex == hex)
        #expect(RGBColor(hex: "#12345") == nil)
        #expect(RGBColor(hex: "zzzzzz") == nil)
    }

    @Test("up to 8 categories use Okabe–Ito")
    func okabeIto() {
        #expect(Palette.colors(count: 3, theme: .light).map(\.hex) == ["#0072b2", "#d55e00", "#009e73"])
        #expect(Palette.colors(count: 8, theme: .dark).contains(RGBColor(0xF5F5F5)))   // no black on dark
    }

    @Test("first 20 colours are distinct (min ΔE_ok ≥ 10) and differ from the background", arguments: PlotTheme.allCases)
    func twentyDistinct(_ theme: PlotTheme) {
        let colors = Palette.colors(count: 20, theme: theme)
        #expect(colors.count == 20)
        #expect(Set(colors).count == 20)
        #expect(minimumDistance(colors) >= 10)
        for c in colors { #expect(c.distance(to: theme.background) >= 15) }
    }

    @Test("generated colours beyond 20 keep a minimum distance", arguments: [PlotTheme.light, .dark])
    func glasbey(_ theme: PlotTheme) {
        let colors = Palette.colors(count: 40, theme: theme)
        #expect(colors.count == 40)
        #expect(Array(colors.prefix(20)) == Palette.colors(count: 20, theme: theme))
        #expect(minimumDistance(Array(colors.suffix(20))) >= 6)
        #expect(minimumDistance(colors) >= 8)
        #expect(colors == Palette.colors(count: 40, theme: theme))   // deterministic
    }

    @Test("10,000 labels: the 30 largest get colours, the rest are 'other'")
    func otherFallback() {
        let names = (0..<10_000).map { "label \($0)" }
        let counts = (0..<10_000).map { $0 == 5_000 ? 1_000 : 1 + $0 % 7 }
        let a = Palette.assignment(categoryCount: names.count, counts: counts, theme: .light)
        #expect(a.colored.count == Palette.defaultMaxColored)
        #expect(a.colored.first == 5_000)             // largest first
        #expect(a.other.count == 10_000 - Palette.defaultMaxColored)
        let colors = Palette.colors(for: names, counts: counts, theme: .light)
        #expect(colors[5_000] != PlotTheme.light.otherColor)
        #expect(colors.filter { $0 == PlotTheme.light.otherColor }.count == a.other.count)
        #expect(Palette.hexColors(for: names, counts: counts, theme: .light)[5_000] == colors[5_000].hex)
    }

    @Test("resolved colours match what the plot draws and the palette API")
    func resolved() {
        let data = ScatterData(x: [0, 1, 2], y: [0, 1, 2], sortedLabels: ["b", "a", "b"])
        #expect(data.categoryNames == ["a", "b"])
        #expect(data.resolvedColors(theme: .dark) == Palette.colors(for: ["a", "b"], counts: [1, 2], theme: .dark))
    }

    @Test("caller-fixed colours are kept")
    func fixedColors() {
        let fixed = [RGBColor(0x112233), RGBColor(0x445566)]
        let a = Palette.assignment(categoryCount: 2, counts: [5, 1], theme: .dark, fixedColors: fixed)
        #expect(a.colors == fixed)
    }

    @Test("'(no label)' (the missing-value grey) keeps its own line when labels are lumped into 'other'")
    func missingNotLumped() {
        let grey = PlotTheme.light.missingColor
        let fixed = [RGBColor(0x112233), RGBColor(0x445566), RGBColor(0x778899), grey]
        let a = Palette.assignment(categoryCount: 4, counts: [50, 30, 20, 40], theme: .light, maxColored: 2, fixedColors: fixed)
        #expect(a.colored == [0, 1, 3] && a.other == [2])
        #expect(a.colors == [fixed[0], fixed[1], PlotTheme.light.otherColor, grey])
    }

    @Test("sRGB ↔ linear ↔ OKLab conversions are consistent")
    func conversions() {
        for v: UInt32 in [0x000000, 0xFFFFFF, 0x0072B2, 0xD55E00, 0x7F7F7F] {
            let c = RGBColor(v)
            #expect(RGBColor(linear: c.linear) == c)
            #expect(RGBColor(linear: OKLab.toLinear(c.oklab)) == c)
        }
        #expect(abs(RGBColor(0xFFFFFF).oklab.x - 1) < 1e-3)
    }
}
