import MarginTestSupport
import Testing

@testable import MarginExtract

/// The byte-level forms of Readability's class/id and style rules decide as the rules read.
struct ContentRulesTests {
    @Test(arguments: [
        ("display:none", true), ("DISPLAY : None", true), ("color: red;\tvisibility:\nhidden", true),
        ("font-family: 'é'; display: none !important", true), ("display:block", false), ("color: red", false),
        ("", false), ("display:nonexistent", true),
    ])
    func aStyleHidesItsElement(style: String, hides: Bool) {
        #expect(ContentExtractor.hidesElement(style: style) == hides)
    }

    @Test func hintsMatchWhatASubstringSearchFinds() {
        let seed = testSeed()
        print("hints test: seed \(seed) (replay: MARGIN_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        let pieces = ["side", "bar", "-ad-", "ad", "-", " ", "comment", "com", "é", "x", "sh", "are"]
        let fragments = ["sidebar", "-ad-", "comment", "é", "share", "x-"]
        let hints = Hints(fragments: fragments)
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            #expect(
                hints.matches(text) == fragments.contains(where: { text.contains($0) }),
                "seed \(seed): \(text.debugDescription)")
        }
    }
}
