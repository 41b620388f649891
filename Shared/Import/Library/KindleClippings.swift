import Foundation

/// Kindle's `My Clippings.txt`: entries separated by `==========`, each a title line
/// (`Title (Author)`), a line of kind, page, location and date, a blank line, then the text.
enum KindleClippings {
    static func parse(_ text: String) -> Library {
        var library = Library()
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\u{FEFF}", with: "")
            .components(separatedBy: "\n")
        var entry: [String] = []
        var entryLine = 1
        var notes: [(item: Int, note: String, position: Int?, location: String, createdAt: Int64?)] = []
        func finish() {
            defer { entry = [] }
            let content = entry.drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard !content.isEmpty else { return }
            let body = Array(content)
            guard body.count >= 2, let meta = Meta(body[1]) else {
                library.notUnderstood.append("line \(entryLine + entry.count - content.count)")
                return
            }
            let (title, author) = Self.titleAndAuthor(body[0])
            let text = body.dropFirst(2).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            let index = library.item("book:" + title + "\u{1F}" + (author ?? "")) {
                LibraryItem(url: nil, title: title, author: author)
            }
            switch meta.kind {
            case .highlight:
                guard !text.isEmpty else {
                    library.notUnderstood.append("line \(entryLine)")
                    return
                }
                var highlight = LibraryHighlight(quote: text, location: meta.location, position: meta.start)
                highlight.endPosition = meta.end ?? meta.start
                highlight.createdAt = meta.date
                var item = library.items[index]
                var folded = 0
                Self.add(highlight, to: &item, folded: &folded)
                library.items[index] = item
                library.folded += folded
            case .note:
                guard !text.isEmpty else { return }
                notes.append((index, text, meta.start, meta.location, meta.date))
            case .bookmark:
                var bookmark = LibraryBookmark(location: meta.location, position: meta.start)
                bookmark.createdAt = meta.date
                library.items[index].bookmarks.append(bookmark)
            }
        }
        for (number, line) in lines.enumerated() {
            if line.trimmingCharacters(in: .whitespaces) == "==========" {
                finish()
                entryLine = number + 2
            } else {
                if entry.isEmpty { entryLine = number + 1 }
                entry.append(line)
            }
        }
        finish()
        // A note is its own entry, at the location where its highlight ends: it goes on that one.
        for note in notes {
            let highlights = library.items[note.item].highlights
            if let position = note.position,
                let target = highlights.lastIndex(where: {
                    ($0.position ?? .max) <= position && position <= ($0.endPosition ?? $0.position ?? .min)
                        && $0.note == nil
                })
            {
                library.items[note.item].highlights[target].note = note.note
            } else {
                // No highlight under it: the note stands alone, quoting itself.
                var highlight = LibraryHighlight(
                    quote: note.note, note: note.note, location: note.location, position: note.position)
                highlight.createdAt = note.createdAt
                library.items[note.item].highlights.append(highlight)
            }
        }
        return library
    }

    /// Adds a highlight, folding it with one it resizes (same start, or one quote inside the
    /// other over overlapping locations): the longer is kept.
    static func add(_ highlight: LibraryHighlight, to item: inout LibraryItem, folded: inout Int) {
        if let index = item.highlights.firstIndex(where: { Self.resizes($0, highlight) }) {
            folded += 1
            if highlight.quote.count > item.highlights[index].quote.count {
                var kept = highlight
                kept.note = kept.note ?? item.highlights[index].note
                item.highlights[index] = kept
            }
            return
        }
        item.highlights.append(highlight)
    }

    private static func resizes(_ a: LibraryHighlight, _ b: LibraryHighlight) -> Bool {
        guard let aStart = a.position, let bStart = b.position else { return a.quote == b.quote }
        let aEnd = a.endPosition ?? aStart
        let bEnd = b.endPosition ?? bStart
        guard aStart <= bEnd && bStart <= aEnd else { return false }
        return aStart == bStart || a.quote.contains(b.quote) || b.quote.contains(a.quote)
    }

    /// `Title (Author)`: the last parenthesised part is the author.
    static func titleAndAuthor(_ line: String) -> (String, String?) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return (trimmed, nil) }
        let author = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let title = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        return title.isEmpty ? (trimmed, nil) : (title, String(author))
    }

    /// `- Your Highlight on page 12 | Location 1204-1206 | Added on Sunday, March 3, 2019 10:15:32 PM`.
    struct Meta {
        enum Kind { case highlight, note, bookmark }
        let kind: Kind
        let location: String
        let start: Int?
        let end: Int?
        let date: Int64?

        init?(_ line: String) {
            let lower = line.lowercased()
            guard lower.hasPrefix("-") else { return nil }
            if lower.contains("highlight") {
                kind = .highlight
            } else if lower.contains("note") {
                kind = .note
            } else if lower.contains("bookmark") {
                kind = .bookmark
            } else {
                return nil
            }
            var location: String?
            var page: String?
            var date: Int64?
            for part in line.split(separator: "|").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let lowered = part.lowercased()
                if let range = lowered.range(of: "location ") ?? lowered.range(of: "loc. ") {
                    location = String(part[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                } else if let range = lowered.range(of: "page ") {
                    page = String(part[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                } else if let range = lowered.range(of: "added on ") {
                    date = Self.date(String(part[range.upperBound...]))
                }
            }
            let place = location ?? page
            guard let place else { return nil }
            self.location = (location != nil ? "location " : "page ") + place
            let numbers = place.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            start = numbers.first ?? nil
            var end = numbers.count > 1 ? numbers[1] : nil
            // "1204-6" is 1204 to 1206.
            if let first = start, let last = end, last < first {
                let digits = String(last).count
                let base = first / Int(pow(10, Double(digits))) * Int(pow(10, Double(digits)))
                end = base + last < first ? base + last + Int(pow(10, Double(digits))) : base + last
            }
            self.end = end
            self.date = date
        }

        static func date(_ text: String) -> Int64? {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            for format in ["EEEE, MMMM d, yyyy h:mm:ss a", "EEEE, d MMMM yyyy HH:mm:ss", "EEEE, MMMM d, yyyy, h:mm a"] {
                formatter.dateFormat = format
                if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
            }
            return nil
        }
    }
}
