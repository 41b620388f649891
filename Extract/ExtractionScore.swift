/// How close an extracted text is to a reference text: precision, recall and F1 of their word
/// 4-gram shingles (words are `\w+` runs, lowercased; counts compared as multisets), the measure
/// of the public article-extraction benchmarks.
public struct ExtractionScore: Sendable, Equatable {
    /// The share of extracted shingles that the reference holds.
    public let precision: Double
    /// The share of the reference's shingles that were extracted.
    public let recall: Double

    /// The harmonic mean of precision and recall.
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

    /// The score of `extracted` against `reference`.
    public init(extracted: String, reference: String) {
        let found = Self.shingles(extracted)
        let wanted = Self.shingles(reference)
        let foundCount = found.values.reduce(0, +)
        let wantedCount = wanted.values.reduce(0, +)
        var common = 0
        for (shingle, count) in found { common += min(count, wanted[shingle] ?? 0) }
        // Both empty: a perfect match; one empty: nothing matched.
        precision = foundCount == 0 ? (wantedCount == 0 ? 1 : 0) : Double(common) / Double(foundCount)
        recall = wantedCount == 0 ? (foundCount == 0 ? 1 : 0) : Double(common) / Double(wantedCount)
    }

    /// The multiset of word 4-grams (a text of fewer words is one shingle of them all).
    static func shingles(_ text: String) -> [String: Int] {
        let words = HTMLText.words(text).map { $0.lowercased() }
        var counts: [String: Int] = [:]
        guard !words.isEmpty else { return counts }
        if words.count < 4 {
            counts[words.joined(separator: " ")] = 1
            return counts
        }
        for start in 0...(words.count - 4) {
            counts[words[start..<start + 4].joined(separator: " "), default: 0] += 1
        }
        return counts
    }
}
