// In Swift alone: Foundation's string methods go through NSString on Linux, and the standard
// library's `firstRange(of:)` builds a searcher per call; over the many short lines of an export
// both cost more than the rest of reading it.
extension Substring {
    /// The text without the whitespace and line breaks at either end.
    var trimmedOfWhitespace: Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return self[endIndex..<endIndex] }
        return self[first...last]
    }

    /// The text after the first appearance of `word`, a lowercase word, with ASCII letters of the
    /// text compared in either case; nil without one.
    func after(_ word: String) -> Substring? {
        let text = utf8
        let pattern = Array(word.utf8)
        guard let lead = pattern.first, text.count >= pattern.count else { return nil }
        var start = text.startIndex
        let upperLead = lead >= 97 && lead <= 122 ? lead - 32 : lead
        while let found = text[start...].firstIndex(where: { $0 == lead || $0 == upperLead }) {
            guard let end = text.index(found, offsetBy: pattern.count, limitedBy: text.endIndex) else { return nil }
            if text[found..<end].elementsEqual(pattern, by: { ($0 | ($0 >= 65 && $0 <= 90 ? 32 : 0)) == $1 }) {
                return self[end...]
            }
            start = text.index(after: found)
        }
        return nil
    }
}

extension String {
    /// The text without the whitespace and line breaks at either end.
    var trimmedOfWhitespace: Substring { self[...].trimmedOfWhitespace }
}
