import Foundation

/// KOReader's highlight export: JSON (one book `{title, author, entries: [...]}`, or several in
/// `documents` or a list) and Markdown (`# Title`, `##### Author`, `### Page N @ date`, the text,
/// and a note line after it).
enum KOReaderExport {
    static func parseJSON(_ data: Data) -> Library {
        var library = Library()
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            library.notUnderstood.append("the whole file (not JSON)")
            return library
        }
        let books: [[String: Any]]
        if let list = json as? [[String: Any]] {
            books = list
        } else if let object = json as? [String: Any] {
            books = object["documents"] as? [[String: Any]] ?? [object]
        } else {
            books = []
        }
        for (bookNumber, book) in books.enumerated() {
            guard let title = book["title"] as? String, let entries = book["entries"] as? [[String: Any]] else {
                library.notUnderstood.append("book \(bookNumber + 1)")
                continue
            }
            let author = (book["author"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            let item = LibraryItem(url: nil, title: title, author: author)
            let index = library.item(item.sourceKey) { item }
            for (number, entry) in entries.enumerated() {
                guard let text = entry["text"] as? String, !text.isEmpty else {
                    library.notUnderstood.append("book \(bookNumber + 1), entry \(number + 1)")
                    continue
                }
                let page = entry["page"] as? Int ?? Int(entry["page"] as? String ?? "")
                var highlight = LibraryHighlight(
                    quote: text, note: (entry["note"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                    location: page.map { "page \($0)" } ?? "entry \(number + 1)", position: page)
                if let time = entry["time"] as? Int { highlight.createdAt = Int64(time) * 1000 }
                highlight.color = entry["color"] as? String ?? entry["drawer"] as? String
                if let chapter = entry["chapter"] as? String, !chapter.isEmpty { highlight.location += " (\(chapter))" }
                library.items[index].highlights.append(highlight)
            }
        }
        return library
    }

    static func parseMarkdown(_ text: String) -> Library {
        var library = Library()
        var index: Int?
        var title: String?
        var author: String?
        var location: String?
        var position: Int?
        var createdAt: Int64?
        var paragraph: [String] = []
        var pendingLine = 0
        func flush() {
            defer { paragraph = [] }
            let body = paragraph.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { return }
            if index == nil, let title {
                let item = LibraryItem(url: nil, title: title, author: author)
                index = library.item(item.sourceKey) { item }
            }
            guard let current = index, let place = location else {
                library.notUnderstood.append("line \(pendingLine)")
                return
            }
            // In place: a copy of the highlights written back would copy them all per paragraph.
            // A line in italics, or quoted with "Note:", right after a highlight is its note.
            if let last = library.items[current].highlights.indices.last,
                library.items[current].highlights[last].location == place,
                library.items[current].highlights[last].note == nil, let note = Self.note(body)
            {
                library.items[current].highlights[last].note = note
            } else {
                var highlight = LibraryHighlight(quote: body, location: place, position: position)
                highlight.createdAt = createdAt
                library.items[current].highlights.append(highlight)
            }
        }
        for (number, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                flush()
                let level = line.prefix { $0 == "#" }.count
                let heading = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                switch level {
                case 1:
                    title = heading
                    author = nil
                    index = nil
                case 5:
                    author = heading
                case 3:
                    // `Page 10 @ 14 November 2023 10:14:10 PM`: the place, then when.
                    let parts = heading.components(separatedBy: " @ ")
                    location = parts.first ?? heading
                    position = location.flatMap { Int($0.filter(\.isNumber)) }
                    createdAt = parts.count > 1 ? LibraryDates.written(parts[1...].joined(separator: " @ ")[...]) : nil
                default:
                    break
                }
                if level == 1 || level == 5 { index = nil }
            } else if line.isEmpty || line == "---" {
                flush()
            } else {
                if paragraph.isEmpty { pendingLine = number + 1 }
                paragraph.append(line)
            }
        }
        flush()
        return library
    }

    private static func note(_ body: String) -> String? {
        if body.hasPrefix("_") && body.hasSuffix("_") && body.count > 2 {
            return String(body.dropFirst().dropLast()).replacingOccurrences(of: "@", with: "", options: .anchored)
        }
        for prefix in ["Note:", "> Note:", "**Note:**"] where body.hasPrefix(prefix) {
            return body.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
