/// Where an anchor landed in a (possibly changed) text.
public enum AnchorResolution: Hashable, Sendable {
    /// The quote still sits at its offsets.
    case unchanged(Anchor)
    /// The exact quote was found elsewhere; context picked among several occurrences.
    case moved(Anchor)
    /// Only an approximate match was found; `similarity` is in 0...1.
    case fuzzy(Anchor, similarity: Double)
    /// Nothing close enough: the note is kept, marked orphaned.
    case orphaned

    /// The anchor to store, or nil when orphaned.
    public var anchor: Anchor? {
        switch self {
        case .unchanged(let anchor), .moved(let anchor), .fuzzy(let anchor, _): anchor
        case .orphaned: nil
        }
    }
}

extension Anchor {
    /// The least similarity (1 - edits / quote length) a fuzzy match needs.
    public static let fuzzyThreshold = 0.75
    /// The least similarity the text beside a fuzzy match must have with the anchor's prefix or
    /// its suffix: a short quote whose passage was deleted can match a similar phrase elsewhere,
    /// and a misplaced note is worse than an orphaned one.
    public static let contextThreshold = 0.5

    /// Anchors the `occurrence`-th (0-based) appearance of `quote` in `text`, or nil when absent.
    public static func create(quote: String, in text: String, occurrence: Int = 0) -> Anchor? {
        AnchorText(text).anchor(quote: quote, occurrence: occurrence)
    }

    /// Anchors the scalars `start..<end` of `text`, or nil when out of range.
    public static func create(start: Int, end: Int, in text: String) -> Anchor? {
        AnchorText(text).anchor(start: start, end: end)
    }

    /// How many times `quote` appears in `text`.
    public static func occurrenceCount(of quote: String, in text: String) -> Int {
        AnchorText(text).occurrences(of: quote).count
    }

    /// Finds this anchor again in `text` (see `resolve(in:)` on a prepared text).
    public func resolve(in text: String) -> AnchorResolution {
        resolve(in: AnchorText(text))
    }

    /// Finds this anchor again in `text`: offsets, else the exact quote with the best context (a
    /// quote shorter than `contextLength` only where its surroundings agree, as below), else the
    /// closest approximate match above `fuzzyThreshold` whose surroundings agree with the
    /// prefix or the suffix (`contextThreshold`), else orphaned.
    public func resolve(in text: AnchorText) -> AnchorResolution {
        let haystack = text.scalars
        let needle = Array(exact.unicodeScalars)
        guard !needle.isEmpty else { return .orphaned }
        if end <= haystack.count, start >= 0, end - start == needle.count,
            haystack[start..<end].elementsEqual(needle)
        {
            return .unchanged(text.anchor(at: start, length: needle.count))
        }
        let found = text.occurrences(of: needle)
        if let best = found.max(by: {
            contextScore(at: $0, length: needle.count, in: haystack)
                < contextScore(at: $1, length: needle.count, in: haystack)
        }) {
            // A short quote is no evidence on its own: found elsewhere (its passage deleted), it
            // must agree with its surroundings too, as a fuzzy match must. A longer one is.
            if needle.count >= Self.contextLength || contextAgrees(start: best, end: best + needle.count, in: haystack)
            {
                return .moved(text.anchor(at: best, length: needle.count))
            }
            return .orphaned
        }
        if let match = fuzzyMatch(needle, in: haystack),
            contextAgrees(start: match.start, end: match.end, in: haystack)
        {
            return .fuzzy(text.anchor(at: match.start, length: match.end - match.start), similarity: match.similarity)
        }
        return .orphaned
    }

    /// How well the text around `position` matches this anchor's prefix and suffix, with nearness
    /// to the old offset breaking ties.
    private func contextScore(at position: Int, length: Int, in text: [Unicode.Scalar]) -> Double {
        let prefixScalars = Array(prefix.unicodeScalars)
        let suffixScalars = Array(suffix.unicodeScalars)
        var matchedPrefix = 0
        while matchedPrefix < prefixScalars.count, position - matchedPrefix - 1 >= 0,
            text[position - matchedPrefix - 1] == prefixScalars[prefixScalars.count - matchedPrefix - 1]
        {
            matchedPrefix += 1
        }
        var matchedSuffix = 0
        let after = position + length
        while matchedSuffix < suffixScalars.count, after + matchedSuffix < text.count,
            text[after + matchedSuffix] == suffixScalars[matchedSuffix]
        {
            matchedSuffix += 1
        }
        let distance = Double(abs(position - start))
        return Double(matchedPrefix + matchedSuffix) + 1 / (2 + distance)
    }

    /// Whether the text before `start` resembles the prefix, or the text after `end` the suffix;
    /// true for an anchor without context (nothing to disagree with).
    func contextAgrees(start: Int, end: Int, in text: [Unicode.Scalar]) -> Bool {
        let before = Array(prefix.unicodeScalars)
        let after = Array(suffix.unicodeScalars)
        if before.isEmpty && after.isEmpty { return true }
        let prefixSimilarity =
            before.isEmpty ? 0 : Self.similarity(before, Array(text[max(0, start - before.count)..<start]))
        let suffixSimilarity =
            after.isEmpty ? 0 : Self.similarity(after, Array(text[end..<min(text.count, end + after.count)]))
        return max(prefixSimilarity, suffixSimilarity) >= Self.contextThreshold
    }

    /// 1 - Levenshtein distance / the longer length: 1 for equal, near 0 for unrelated.
    static func similarity(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        let longest = max(a.count, b.count)
        guard longest > 0 else { return 1 }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return 1 - Double(a.isEmpty ? b.count : previous[b.count]) / Double(longest)
    }

    /// The approximate occurrence with the fewest edits (Sellers' algorithm), nearest the old offset
    /// on ties, when its similarity reaches the threshold.
    private func fuzzyMatch(_ needle: [Unicode.Scalar], in text: [Unicode.Scalar]) -> (
        start: Int, end: Int, similarity: Double
    )? {
        let m = needle.count
        let maxEdits = Int(Double(m) * (1 - Self.fuzzyThreshold))
        // Bound the work on long texts: search a window around the old offset when the full table is too big.
        var lower = 0
        var upper = text.count
        let budget = 40_000_000
        if m * text.count > budget {
            let radius = max(budget / max(m, 1) / 2, m * 2)
            lower = max(0, start - radius)
            upper = min(text.count, start + radius)
        }
        guard upper > lower else { return nil }
        var cost = Array(0...m)
        var origin = [Int](repeating: lower, count: m + 1)
        var best: (start: Int, end: Int, edits: Int)?
        for position in lower..<upper {
            var previousCost = cost[0]
            var previousOrigin = origin[0]
            cost[0] = 0
            origin[0] = position + 1
            for row in 1...m {
                let substitution = previousCost + (needle[row - 1] == text[position] ? 0 : 1)
                let deletion = cost[row] + 1
                let insertion = cost[row - 1] + 1
                let savedCost = cost[row]
                let savedOrigin = origin[row]
                if substitution <= deletion && substitution <= insertion {
                    cost[row] = substitution
                    origin[row] = previousOrigin
                } else if insertion <= deletion {
                    cost[row] = insertion
                    origin[row] = origin[row - 1]
                } else {
                    cost[row] = deletion
                    origin[row] = savedOrigin
                }
                previousCost = savedCost
                previousOrigin = savedOrigin
            }
            let edits = cost[m]
            guard edits <= maxEdits else { continue }
            let candidate = (start: origin[m], end: position + 1, edits: edits)
            if let current = best {
                let nearer = abs(candidate.start - start) < abs(current.start - start)
                if edits < current.edits || (edits == current.edits && nearer) { best = candidate }
            } else {
                best = candidate
            }
        }
        guard let best else { return nil }
        return (best.start, best.end, 1 - Double(best.edits) / Double(m))
    }
}
