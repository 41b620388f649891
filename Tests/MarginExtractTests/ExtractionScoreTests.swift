import MarginExtract
import Testing

/// The measure of the public extraction benchmarks: F1 of word 4-gram shingles, as multisets.
struct ExtractionScoreTests {
    @Test func identicalTextsScoreOne() {
        let score = ExtractionScore(extracted: "One two, three four five.", reference: "one TWO three\nfour five")
        #expect(score.precision == 1 && score.recall == 1 && score.f1 == 1)
    }

    @Test func extraWordsCostPrecisionAndMissingOnesRecall() {
        // 5 words: 2 shingles; the extraction adds two words (2 more shingles, none shared).
        let score = ExtractionScore(extracted: "a b c d e x y", reference: "a b c d e")
        #expect(score.recall == 1)
        #expect(score.precision == 0.5)
        let missing = ExtractionScore(extracted: "a b c d", reference: "a b c d e")
        #expect(missing.precision == 1 && missing.recall == 0.5)
    }

    @Test func repeatsCountAsAMultiset() {
        let score = ExtractionScore(extracted: "a b c d a b c d", reference: "a b c d")
        // 5 shingles extracted, of which "a b c d" matches once only.
        #expect(score.precision == 0.2 && score.recall == 1)
    }

    @Test func nothingExtractedScoresZero() {
        #expect(ExtractionScore(extracted: "", reference: "a b c d").f1 == 0)
    }
}
