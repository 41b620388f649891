import Foundation
import MarginTestSupport
import Testing

@testable import MarginExtract

/// The byte-level text rules agree with their definitions over Unicode scalars, on random text
/// mixing ASCII, no-break and other Unicode spaces, and scalars of two to four bytes.
struct TextMeasureTests {
    static let alphabet: [Unicode.Scalar] = [
        "a", "Z", ",", " ", "\t", "\n", "\u{A0}", "\u{2009}", "\u{3000}", "\u{FEFF}", "é", "\u{2028}", "日", "😀",
    ]

    static func randomText(_ random: inout SplitMix64) -> String {
        let count = Int.random(in: 0...12, using: &random)
        return String(String.UnicodeScalarView((0..<count).map { _ in alphabet.randomElement(using: &random)! }))
    }

    /// `collapsingWhitespace` as its definition reads, one scalar at a time.
    static func collapsed(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if HTMLText.isSpace(scalar) {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(scalar)
            }
        }
        return String(result)
    }

    @Test func textRulesAgreeWithTheirScalarDefinitions() {
        let seed = testSeed()
        print("text measure test: seed \(seed) (replay: MARGIN_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        for _ in 0..<5_000 {
            let runs = (0..<Int.random(in: 0...5, using: &random)).map { _ in Self.randomText(&random) }
            let whole = runs.joined()
            let expected = Self.collapsed(whole)
            #expect(HTMLText.collapsingWhitespace(whole) == expected, "seed \(seed): \(whole.debugDescription)")
            var summary = TextSummary()
            for run in runs { summary.append(TextSummary(run)) }
            #expect(summary.length == expected.unicodeScalars.count, "seed \(seed): \(runs)")
            #expect(summary.hasText == !expected.isEmpty, "seed \(seed): \(runs)")
            #expect(HTMLText.isBlank(whole) == expected.isEmpty, "seed \(seed): \(whole.debugDescription)")
            var scalars: [UInt32] = []
            HTMLText.forEachScalar(whole) { value, _, _, _ in scalars.append(value) }
            #expect(scalars == whole.unicodeScalars.map(\.value), "seed \(seed): \(whole.debugDescription)")
        }
    }

    @Test func anElementMeasuresAsItsTextJoined() throws {
        let seed = testSeed()
        print("element measure test: seed \(seed) (replay: MARGIN_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            // Random nesting of inline elements around random runs, measured from the cached
            // children's summaries, against the whole text collapsed.
            var html = "<p>"
            var open = 0
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                switch Int.random(in: 0...2, using: &random) {
                case 0:
                    html += "<span>"
                    open += 1
                case 1 where open > 0:
                    html += "</span>"
                    open -= 1
                default:
                    html += Self.randomText(&random).replacingOccurrences(of: "\u{FEFF}", with: "")
                }
            }
            html += String(repeating: "</span>", count: open) + "</p>"
            let document = try HTMLDocument.parse(Array(html.utf8).withUnsafeBufferPointer { Data($0) })
            withExtendedLifetime(document) {
                for element in document.root.descendants() {
                    #expect(
                        element.textLength == Self.collapsed(element.textContent).unicodeScalars.count,
                        "seed \(seed): \(html.debugDescription)")
                }
            }
        }
    }
}
