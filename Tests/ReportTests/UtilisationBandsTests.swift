import Foundation
import Report
import Testing

/// The heatmap's and the workbook's colours are legible: every fill at least 3:1 against the
/// white page, its text at least 4.5:1 against the fill, lighter bands for emptier rows (the
/// order survives greyscale and every colour-vision deficiency), the over-capacity outline
/// 3:1 against the page and the darkest band.
@Suite("Utilisation bands")
struct UtilisationBandsTests {
    /// WCAG 2's relative luminance of RRGGBB.
    static func luminance(_ hex: String) -> Double {
        let value = Int(hex, radix: 16) ?? 0
        func channel(_ shift: Int) -> Double {
            let c = Double((value >> shift) & 0xFF) / 255
            return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
    }

    static func contrast(_ a: String, _ b: String) -> Double {
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test("every band has 3:1 against white and 4.5:1 for its text; bands darken as utilisation rises")
    func contrast() {
        let bands = UtilisationBands.bands
        #expect(bands.count == 4)
        for band in bands {
            #expect(Self.contrast(band.fill, "FFFFFF") >= 3, "\(band.fill) on the page")
            #expect(Self.contrast(band.fill, band.text) >= 4.5, "\(band.text) on \(band.fill)")
        }
        for (lighter, darker) in zip(bands, bands.dropFirst()) {
            #expect(Self.luminance(lighter.fill) > Self.luminance(darker.fill), "\(lighter.fill) lighter than \(darker.fill)")
        }
        #expect(Self.contrast(UtilisationBands.overCapacity, "FFFFFF") >= 3)
        #expect(Self.contrast(UtilisationBands.overCapacity, bands[3].fill) >= 3)
        #expect(Self.contrast(UtilisationBands.noCapacityOutline, "FFFFFF") >= 3)
    }

    @Test("band edges: below 50% the first, 50% the second, 90% and 100% the third, above 100% the fourth")
    func edges() {
        #expect([0, 499, 500, 899, 900, 1000, 1001].map(UtilisationBands.band(permille:)) == [0, 0, 1, 1, 2, 2, 3])
    }
}
