import Foundation

/// An article's text as anchors count it, in Unicode scalars, read once so that many quotes can
/// be placed in it or resolved against it.
public struct AnchorText: Sendable {
    /// The text's scalars.
    let scalars: [Unicode.Scalar]

    /// The text, ready to anchor quotes in.
    public init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Its length in scalars.
    public var count: Int { scalars.count }

    /// Where `quote` starts, every appearance (overlapping ones too), in scalars from the start.
    public func occurrences(of quote: String) -> [Int] {
        occurrences(of: Array(quote.unicodeScalars))
    }

    /// Whether `quote` appears in the text.
    public func contains(_ quote: String) -> Bool {
        occurrences(of: Array(quote.unicodeScalars), first: true).count == 1
    }

    /// Anchors the `occurrence`-th (0-based) appearance of `quote`, or nil when absent.
    public func anchor(quote: String, occurrence: Int = 0) -> Anchor? {
        let needle = Array(quote.unicodeScalars)
        let found = occurrences(of: needle)
        guard occurrence >= 0, occurrence < found.count else { return nil }
        return anchor(at: found[occurrence], length: needle.count)
    }

    /// Anchors the scalars `start..<end`, or nil when out of range.
    public func anchor(start: Int, end: Int) -> Anchor? {
        guard start >= 0, start <= end, end <= scalars.count else { return nil }
        return anchor(at: start, length: end - start)
    }

    /// The anchor of `length` scalars at `start`, with its context on each side.
    func anchor(at start: Int, length: Int) -> Anchor {
        let end = start + length
        let prefixStart = max(0, start - Anchor.contextLength)
        let suffixEnd = min(scalars.count, end + Anchor.contextLength)
        return Anchor(
            exact: string(start..<end), prefix: string(prefixStart..<start), suffix: string(end..<suffixEnd),
            start: start, end: end)
    }

    /// The scalars in `range`, as a string.
    func string(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    /// Every start of `needle` (or the first only). The C library's `memchr` finds each place
    /// its first scalar could start and `memcmp` checks it: a quote per highlight against a
    /// book's whole text made importing a large export quadratic in a scalar-by-scalar scan.
    func occurrences(of needle: [Unicode.Scalar], first: Bool = false) -> [Int] {
        guard !needle.isEmpty, scalars.count >= needle.count else { return [] }
        let width = MemoryLayout<Unicode.Scalar>.stride
        return scalars.withUnsafeBytes { text in
            needle.withUnsafeBytes { quote in
                let base = text.baseAddress!
                let lead = Int32(quote.load(as: UInt8.self))
                let last = text.count - quote.count
                var found: [Int] = []
                var offset = 0
                while offset <= last, let hit = memchr(base + offset, lead, last - offset + 1) {
                    let at = UnsafeRawPointer(hit) - base
                    // A byte inside a scalar is no start; the search goes on past it.
                    if at % width == 0 && memcmp(hit, quote.baseAddress!, quote.count) == 0 {
                        found.append(at / width)
                        if first { break }
                    }
                    offset = at + 1
                }
                return found
            }
        }
    }
}
