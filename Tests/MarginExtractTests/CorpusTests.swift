import Foundation
import MarginExtract
import Testing

/// Mozilla Readability's 130 test pages (Tests/Fixtures/readability-test-pages), against the text
/// and metadata Readability extracts from them: a floor under extraction quality.
struct CorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/readability-test-pages").path

    @Test func theCorpusScoresAboveTheFloor() throws {
        let result = try ExtractionCorpus(directory: Self.corpus)
        let (precision, recall, f1) = result.meanScore
        print(
            String(
                format: "corpus: %d pages, body F1 %.3f (P %.3f, R %.3f), titles %.1f%%, bylines %.1f%%, dates %.1f%%",
                result.pages.count, f1, precision, recall, result.titleRate * 100, result.bylineRate * 100,
                result.dateRate * 100))
        #expect(result.pages.count == 130)
        #expect(result.pages.allSatisfy { $0.failure == nil }, "\(result.pages.compactMap(\.failure))")
        #expect(f1 >= 0.97)
        #expect(result.titleRate >= 0.9)
        #expect(result.bylineRate >= 0.9)
        #expect(result.dateRate >= 0.9)
    }
}
