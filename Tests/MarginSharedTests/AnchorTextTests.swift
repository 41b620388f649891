import MarginTestSupport
import Testing

@testable import MarginShared

/// A text prepared once finds quotes exactly where a scalar-by-scalar scan does.
@Suite struct AnchorTextTests {
    /// Every start of `needle` in `text`, one scalar at a time: what the fast search must match.
    static func scan(_ needle: [Unicode.Scalar], in text: [Unicode.Scalar]) -> [Int] {
        guard !needle.isEmpty, text.count >= needle.count else { return [] }
        return (0...(text.count - needle.count)).filter { text[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func findsWhatAScalarScanFinds() {
        let seed = testSeed()
        print("anchor text test: seed \(seed) (replay: MARGIN_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        // Few distinct scalars, of one to four UTF-8 bytes and sharing bytes, so that quotes
        // repeat, overlap and have look-alikes that straddle two scalars.
        let alphabet: [Unicode.Scalar] = ["a", "b", " ", "é", "\u{0100}", "\u{6162}", "\u{4E00}", "😀", "\u{61}"]
        for round in 0..<2_000 {
            let text = (0..<Int.random(in: 0...60, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            var needle = (0..<Int.random(in: 1...4, using: &random)).map { _ in alphabet.randomElement(using: &random)!
            }
            if !text.isEmpty && Bool.random(using: &random) {
                let start = Int.random(in: 0..<text.count, using: &random)
                needle = Array(text[start..<min(text.count, start + needle.count)])
            }
            let string = String(String.UnicodeScalarView(text))
            let quote = String(String.UnicodeScalarView(needle))
            let prepared = AnchorText(string)
            let expected = Self.scan(needle, in: text)
            #expect(prepared.occurrences(of: quote) == expected, "round \(round), seed \(seed)")
            #expect(prepared.contains(quote) == !expected.isEmpty, "round \(round), seed \(seed)")
            if let first = expected.first {
                let anchor = prepared.anchor(quote: quote)
                #expect(anchor?.start == first && anchor?.exact == quote, "round \(round), seed \(seed)")
            }
        }
    }

    @Test func aMatchAcrossTwoScalarsIsNone() {
        // The bytes of U+6162 U+0100 are 62 61 00 00 00 01 00 00: "a" (61 00 00 00) sits at byte 1.
        let text = AnchorText("\u{6162}\u{0100}")
        #expect(text.occurrences(of: "a") == [])
        #expect(!text.contains("a"))
        #expect(AnchorText("\u{6162}\u{0100}a").occurrences(of: "a") == [2])
    }

    @Test func overlappingAppearancesAllCount() throws {
        let text = AnchorText("aaaa")
        #expect(text.occurrences(of: "aa") == [0, 1, 2])
        let third = try #require(text.anchor(quote: "aa", occurrence: 2))
        #expect(third.start == 2 && third.end == 4 && third.prefix == "aa" && third.suffix.isEmpty)
        #expect(text.anchor(quote: "aa", occurrence: 3) == nil)
        #expect(text.anchor(quote: "") == nil)
    }
}
