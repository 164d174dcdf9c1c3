/// An exact fraction: how every non-integer figure is held until a format writes it, so that
/// rounding happens once, when it is printed.
public struct Ratio: Sendable, Hashable {
    public var numerator: Int
    public var denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// nil when the denominator is 0: the figure is undefined (its cell is left empty).
    public static func defined(_ numerator: Int, _ denominator: Int) -> Ratio? {
        denominator > 0 ? Ratio(numerator, denominator) : nil
    }

    /// The figure as printed with `places` decimals, in units of its last decimal: its magnitude
    /// rounded half up (so a negative figure rounds half away from zero). 12.46 at 1 place is 125.
    public func units(places: Int) -> Int {
        guard denominator > 0 else { return 0 }
        let scale = Self.scale(places)
        let magnitude = (2 * numerator.magnitude * UInt(scale) + UInt(denominator)) / (2 * UInt(denominator))
        return numerator < 0 ? -Int(magnitude) : Int(magnitude)
    }

    /// 10 to the power `places`.
    public static func scale(_ places: Int) -> Int {
        var scale = 1
        for _ in 0..<max(0, places) { scale *= 10 }
        return scale
    }
}
