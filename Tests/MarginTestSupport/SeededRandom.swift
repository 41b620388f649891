import Foundation

/// A small, fast, seedable generator so a failing randomized test can be replayed exactly.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose numbers follow from `seed` alone.
    public init(seed: UInt64) { state = seed }

    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed a randomized test starts from: `MARGIN_SEED` when set, else a fresh one.
public func testSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["MARGIN_SEED"], let seed = UInt64(text) { return seed }
    var system = SystemRandomNumberGenerator()
    return system.next()
}
