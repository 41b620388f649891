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

    /// Every start of `needle` (or the first only), by Horspool's search: each window is judged
    /// by its last scalar, and the window moves on by as much as that scalar allows, about the
    /// quote's length in prose. A quote per highlight against a book's whole text made importing
    /// a large export quadratic in a scalar-by-scalar scan.
    func occurrences(of needle: [Unicode.Scalar], first: Bool = false) -> [Int] {
        let length = needle.count
        guard length > 0, scalars.count >= length else { return [] }
        // Shifts by the low byte of a scalar: scalars that share one share the smallest shift,
        // which keeps every shift safe.
        var shift = [Int](repeating: length, count: 256)
        for index in 0..<length - 1 { shift[Int(needle[index].value & 0xFF)] = length - 1 - index }
        let last = needle[length - 1]
        return scalars.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { quote in
                var found: [Int] = []
                var position = 0
                let end = text.count - length
                while position <= end {
                    let tail = text[position + length - 1]
                    if tail == last
                        && memcmp(text.baseAddress! + position, quote.baseAddress!, (length - 1) * 4) == 0
                    {
                        found.append(position)
                        if first { break }
                    }
                    position += shift[Int(tail.value & 0xFF)]
                }
                return found
            }
        }
    }
}
