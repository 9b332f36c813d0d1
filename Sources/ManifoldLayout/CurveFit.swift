import Foundation

/// Fits the curve parameters (a, b) of the low-dimensional membership 1 / (1 + a·d^(2b)).
///
/// UMAP (McInnes, Healy & Melville 2018, §4; umap-learn `find_ab_params`) fits
///
///     φ(d) = 1 / (1 + a·d^(2b))     to     ψ(d) = 1                           if d < min_dist
///                                          ψ(d) = exp(−(d − min_dist) / spread) otherwise
///
/// by least squares on 300 evenly spaced points of [0, 3·spread] (`np.linspace(0, 3 * spread, 300)`),
/// which umap-learn does with `scipy.optimize.curve_fit` (MINPACK Levenberg–Marquardt from a = b = 1).
/// Here the same problem is solved by Levenberg–Marquardt with the analytic Jacobian:
///
///     u = d^(2b),  φ = 1/(1 + a u),  ∂φ/∂a = −u φ²,  ∂φ/∂b = −2 a u ln(d) φ²   (0 at d = 0)
///
/// Known values: (min_dist 0.1, spread 1) → a ≈ 1.577, b ≈ 0.895 (umap-learn);
/// (min_dist 0.05, spread 1) → (1.7502250, 0.8420554) (uwot `find_ab_params`).
public enum CurveFit {
    /// The fitted (a, b) for `minDistance` ≤ `spread` (both positive spread).
    ///
    /// - Complexity: at most 500 iterations of 300 points each.
    public static func fitAB(minDistance: Double, spread: Double) -> (a: Double, b: Double) {
        let count = 300
        var xs = [Double](repeating: 0, count: count)
        var ys = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let x = 3 * spread * Double(i) / Double(count - 1)   // np.linspace endpoint included
            xs[i] = x
            ys[i] = x < minDistance ? 1 : Foundation.exp(-(x - minDistance) / spread)
        }
        var a = 1.0, b = 1.0
        var lambda = 1e-3
        var cost = sumOfSquares(xs, ys, a, b)
        for _ in 0..<500 {
            // Normal equations JᵀJ δ = −Jᵀr, damped on the diagonal (Marquardt scaling).
            var jaa = 0.0, jab = 0.0, jbb = 0.0, ga = 0.0, gb = 0.0
            for i in 0..<count {
                let x = xs[i]
                let u = x > 0 ? Foundation.pow(x, 2 * b) : 0
                let phi = 1 / (1 + a * u)
                let r = phi - ys[i]
                let da = -u * phi * phi
                let db = x > 0 ? -2 * a * u * Foundation.log(x) * phi * phi : 0
                jaa += da * da; jab += da * db; jbb += db * db
                ga += da * r; gb += db * r
            }
            var improved = false
            for _ in 0..<30 {
                let m11 = jaa * (1 + lambda), m22 = jbb * (1 + lambda), m12 = jab
                let det = m11 * m22 - m12 * m12
                guard det != 0, det.isFinite else { lambda *= 10; continue }
                let stepA = -(m22 * ga - m12 * gb) / det
                let stepB = -(m11 * gb - m12 * ga) / det
                let newA = a + stepA, newB = b + stepB
                if newA > 0, newB > 0 {
                    let newCost = sumOfSquares(xs, ys, newA, newB)
                    if newCost.isFinite, newCost <= cost {
                        let relative = abs(cost - newCost) / max(cost, 1e-300)
                        a = newA; b = newB; cost = newCost
                        lambda = max(lambda / 10, 1e-12)
                        improved = true
                        if relative < 1e-15 && abs(stepA) < 1e-12 * a && abs(stepB) < 1e-12 * b { return (a, b) }
                        break
                    }
                }
                lambda *= 10
            }
            if !improved { break }   // no downhill step at any damping: at the minimum
        }
        return (a, b)
    }

    static func sumOfSquares(_ xs: [Double], _ ys: [Double], _ a: Double, _ b: Double) -> Double {
        var total = 0.0
        for i in xs.indices {
            let u = xs[i] > 0 ? Foundation.pow(xs[i], 2 * b) : 0
            let r = 1 / (1 + a * u) - ys[i]
            total += r * r
        }
        return total
    }
}
