import Foundation
import Testing

@testable import MarginShared

@Suite struct AnchorTests {
    let text = "The senior American diplomat slipped quietly into Belarus, a police state run by a strongman."

    @Test func createsFromAQuoteWithContext() throws {
        let anchor = try #require(Anchor.create(quote: "slipped quietly", in: text))
        #expect(anchor.start == 29 && anchor.end == 44)
        #expect(anchor.prefix == "The senior American diplomat ")
        #expect(anchor.suffix == " into Belarus, a police state ru")
        #expect(Anchor.create(quote: "not there", in: text) == nil)
    }

    @Test func unchangedTextKeepsTheOffsets() throws {
        let anchor = try #require(Anchor.create(quote: "police state", in: text))
        #expect(anchor.resolve(in: text) == .unchanged(anchor))
    }

    @Test func anEditBeforeTheQuoteMovesIt() throws {
        let anchor = try #require(Anchor.create(quote: "police state", in: text))
        let edited = "UPDATED: " + text
        let resolved = try #require(anchor.resolve(in: edited).anchor)
        #expect(resolved.start == anchor.start + 9)
        #expect(resolved.exact == "police state")
        guard case .moved = anchor.resolve(in: edited) else { Issue.record("expected moved"); return }
    }

    @Test func anEditAfterTheQuoteKeepsIt() throws {
        let anchor = try #require(Anchor.create(quote: "police state", in: text))
        let edited = text.replacingOccurrences(of: "strongman.", with: "strongman reviled for decades.")
        #expect(anchor.resolve(in: edited).anchor?.start == anchor.start)
    }

    @Test func anEditInsideTheQuoteMatchesFuzzily() throws {
        let anchor = try #require(Anchor.create(quote: "slipped quietly into Belarus", in: text))
        let edited = text.replacingOccurrences(of: "quietly", with: "quitely")
        let resolution = anchor.resolve(in: edited)
        guard case .fuzzy(let moved, let similarity) = resolution else {
            Issue.record("expected a fuzzy match, got \(resolution)")
            return
        }
        #expect(moved.exact == "slipped quitely into Belarus")
        #expect(similarity >= Anchor.fuzzyThreshold && similarity < 1)
    }

    @Test func aDeletedPassageOrphansTheNote() throws {
        let anchor = try #require(Anchor.create(quote: "a police state run by a strongman", in: text))
        let edited = "The senior American diplomat slipped quietly into Belarus."
        #expect(anchor.resolve(in: edited) == .orphaned)
    }

    @Test func contextPicksTheRightOccurrence() throws {
        let repeated = "He said no. Then she said no again. Finally they all said no to the plan."
        let anchor = try #require(Anchor.create(quote: "said no", in: repeated, occurrence: 1))
        #expect(anchor.prefix.hasSuffix("Then she "))
        // Text inserted at the start shifts every occurrence; context must pick the second one.
        let edited = "Before all that, someone said no quietly. " + repeated
        let resolved = try #require(anchor.resolve(in: edited).anchor)
        let scalars = Array(edited.unicodeScalars)
        let before = String(String.UnicodeScalarView(scalars[(resolved.start - 9)..<resolved.start]))
        #expect(before == "Then she ")
        #expect(Anchor.occurrenceCount(of: "said no", in: edited) == 4)
    }

    @Test func offsetsCountUnicodeScalarsEndExclusive() throws {
        let accented = "Café — naïve “quotes” 🇧🇾 and Лукашенко met in Minsk."
        let anchor = try #require(Anchor.create(quote: "Лукашенко", in: accented))
        let scalars = Array(accented.unicodeScalars)
        #expect(anchor.end - anchor.start == 9)
        #expect(String(String.UnicodeScalarView(scalars[anchor.start..<anchor.end])) == "Лукашенко")
        // The flag is two scalars: offsets after it count both.
        #expect(anchor.start == 29)
        let edited = "🇧🇾 " + accented
        #expect(anchor.resolve(in: edited).anchor?.start == 32)
        #expect(Anchor.create(start: 0, end: 4, in: accented)?.exact == "Café")
        #expect(Anchor.create(start: 5, end: 200, in: accented) == nil)
    }
}

@Suite struct AnchorContextTests {
    /// The seed's main article as imported: the text anchors count in.
    let seed: String

    init() throws { seed = try ArticleImporter.importDocument(seedDocument())[0].content }

    /// The seed case: the quote's paragraph is deleted, and a similar phrase elsewhere
    /// ("226. Mr. Lukashenko has") is close enough as a quote but not in its surroundings.
    @Test func aFuzzyMatchInOtherSurroundingsOrphansTheNote() throws {
        let quote = "with Mr. Lukashenko has"
        #expect(Anchor.occurrenceCount(of: quote, in: seed) == 1)
        let anchor = try #require(Anchor.create(quote: quote, in: seed))
        let paragraphs = seed.components(separatedBy: "\n\n")
        let edited = paragraphs.filter { !$0.contains(quote) }.joined(separator: "\n\n")
        #expect(paragraphs.count - 1 == edited.components(separatedBy: "\n\n").count)
        // The quote alone would match: that is what made the note land in the wrong paragraph.
        let scalars = Array(edited.unicodeScalars)
        let elsewhere = try #require(Anchor.create(quote: "226. Mr. Lukashenko has", in: edited))
        #expect(
            Anchor.similarity(Array(quote.unicodeScalars), Array(elsewhere.exact.unicodeScalars))
                >= Anchor.fuzzyThreshold)
        let agrees = anchor.contextAgrees(start: elsewhere.start, end: elsewhere.end, in: scalars)
        #expect(!agrees, "its surroundings differ on both sides")
        #expect(anchor.resolve(in: edited) == .orphaned)
    }

    /// A short quote that also appears elsewhere: its passage deleted, the other occurrence is in
    /// other surroundings, so the note is orphaned rather than moved there.
    @Test func aShortExactQuoteInOtherSurroundingsOrphansTheNote() throws {
        let quote = "Mr. Lukashenko has"
        #expect(Anchor.occurrenceCount(of: quote, in: seed) == 2)
        let anchor = try #require(Anchor.create(quote: quote, in: seed, occurrence: 1))
        #expect(anchor.suffix.hasPrefix(" vexed Western"))
        let paragraphs = seed.components(separatedBy: "\n\n")
        let edited = paragraphs.filter { !$0.contains("How to deal with \(quote)") }.joined(separator: "\n\n")
        #expect(Anchor.occurrenceCount(of: quote, in: edited) == 1)
        #expect(anchor.resolve(in: edited) == .orphaned)
        // Its paragraph kept but moved (text added before): it still moves.
        let shifted = "An editor's note.\n\n" + seed
        #expect(anchor.resolve(in: shifted).anchor?.start == anchor.start + 19)
    }

    /// The same quote edited in place keeps its surroundings, so it still matches fuzzily.
    @Test func aFuzzyMatchInItsOwnSurroundingsStands() throws {
        let quote = "with Mr. Lukashenko has"
        let anchor = try #require(Anchor.create(quote: quote, in: seed))
        let edited = seed.replacingOccurrences(of: quote, with: "with Mr Lukashenko has")
        guard case .fuzzy(let moved, _) = anchor.resolve(in: edited) else {
            Issue.record("expected a fuzzy match, got \(anchor.resolve(in: edited))")
            return
        }
        #expect(moved.exact == "with Mr Lukashenko has")
        #expect(moved.start == anchor.start)
    }

    @Test func similarityIsOneForEqualAndLowForUnrelated() {
        func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }
        #expect(Anchor.similarity(scalars("potash"), scalars("potash")) == 1)
        #expect(Anchor.similarity(scalars(""), scalars("")) == 1)
        #expect(Anchor.similarity(scalars("abc"), scalars("")) == 0)
        #expect(Anchor.similarity(scalars("kitten"), scalars("sitting")) == 1 - 3.0 / 7)
        #expect(
            Anchor.similarity(scalars(" vexed Western policymakers for"), scalars(" in recent months released more"))
                < Anchor.contextThreshold)
    }
}
