/// The utilisation bands of the page's heatmap and of the workbook's utilisation column: four
/// colours taken along cividis (a map designed to read the same under every common colour-vision
/// deficiency, and in greyscale: its lightness rises steadily), fuller rows darker. Every fill
/// has at least 3:1 contrast against the white page (WCAG 1.4.11) and its text colour at least
/// 4.5:1 against the fill; values are printed in the cells besides (`UtilisationBandsTests`
/// checks the ratios).
public enum UtilisationBands {
    public struct Band: Sendable, Hashable {
        /// The fill, RRGGBB.
        public var fill: String
        /// The text on it, RRGGBB.
        public var text: String
        /// What the band holds, for the legend (its upper bound is in the next band's).
        public var english: String
        public var dutch: String
    }

    /// ≤ 50 %, 50–90 %, 90–100 %, > 100 %; at an edge the lower band keeps the value except at
    /// 50 % (0.5 is in the second band, 0.9 and 1.0 in the third), as the page always drew them.
    public static let bands: [Band] = [
        Band(fill: "958F78", text: "000000", english: "< 50%", dutch: "< 50%"),
        Band(fill: "666970", text: "FFFFFF", english: "50–90%", dutch: "50–90%"),
        Band(fill: "31446B", text: "FFFFFF", english: "90–100%", dutch: "90–100%"),
        Band(fill: "00204D", text: "FFFFFF", english: "> 100%", dutch: "> 100%"),
    ]

    /// Over-capacity days are outlined in this colour (Okabe–Ito's vermillion: 3.9:1 on white,
    /// 4.1:1 on the darkest band) and marked with a sign, not only through the band.
    public static let overCapacity = "D55E00"

    /// No recognised capacity: no fill, a dashed grey outline (4.5:1 on white).
    public static let noCapacityOutline = "767676"

    /// The band of a utilisation given in thousandths.
    public static func band(permille: Int) -> Int {
        switch permille {
        case ..<500: return 0
        case ..<900: return 1
        case ...1000: return 2
        default: return 3
        }
    }
}
