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
                // A number, or a label with its reference page first (`[12]15`).
                let label = entry["page"] as? String
                let page = entry["page"] as? Int ?? label.flatMap { Int(($0.split(separator: "]").last ?? "")) }
                let place = label.flatMap { $0.isEmpty ? nil : $0 } ?? page.map(String.init)
                var highlight = LibraryHighlight(
                    quote: text, note: (entry["note"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                    location: place.map { "page \($0)" } ?? "entry \(number + 1)", position: page)
                if let time = entry["time"] as? Int {
                    highlight.createdAt = LibraryDates.unix(Int64(time))
                } else if let written = entry["datetime"] as? String {
                    highlight.createdAt = LibraryDates.parse(written)
                }
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
        var entry: (location: String, position: Int?, createdAt: Int64?, line: Int, lines: [Substring])?
        var chapter: String?
        var loose = false
        func finish() {
            defer { entry = nil }
            guard let read = entry, let (quote, note) = Self.highlight(read.lines) else { return }
            if index == nil, let title {
                let item = LibraryItem(url: nil, title: title, author: author)
                index = library.item(item.sourceKey) { item }
            }
            guard let current = index else {
                library.notUnderstood.append("line \(read.line)")
                return
            }
            var highlight = LibraryHighlight(quote: quote, note: note, location: read.location, position: read.position)
            highlight.createdAt = read.createdAt
            library.items[current].highlights.append(highlight)
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmedOfWhitespace
            if let (level, heading) = Self.heading(line) {
                finish()
                loose = false
                switch level {
                case 1:
                    title = String(heading)
                    author = nil
                    chapter = nil
                    index = nil
                case 5:
                    // The exporter writes `N/A` for a book with no author, where its JSON has none.
                    author = heading == "N/A" ? nil : String(heading)
                    index = nil
                case 2:
                    chapter = heading.isEmpty ? nil : String(heading)
                case 3:
                    // `Page 10 @ 14 November 2023 10:14:10 PM`: the place, then when.
                    let parts = heading.components(separatedBy: " @ ")
                    let written = parts.first ?? String(heading)
                    let label = written.hasPrefix("Page ") ? String(written.dropFirst(5)) : written
                    // A page may carry its reference page first (`Page [12]15`).
                    let page = label.split(separator: "]").last ?? label[...]
                    let createdAt =
                        parts.count > 1 ? LibraryDates.written(parts[1...].joined(separator: " @ ")[...]) : nil
                    // The place as the JSON export names it, so that both exports of a book make the
                    // same notes: importing one after the other creates nothing new.
                    let place = "page \(label)" + (chapter.map { " (\($0))" } ?? "")
                    entry = (place, Int(page.filter(\.isNumber)), createdAt, number + 2, [])
                default:
                    break
                }
            } else if line.hasPrefix("_Generated at: ") || Self.isBacklink(line) {
                continue  // What the exporter adds: its time at the end, links into the book.
            } else if entry != nil {
                entry?.lines.append(line)
            } else {
                // Text under no entry: named once per paragraph.
                if !line.isEmpty && !loose { library.notUnderstood.append("line \(number + 1)") }
                loose = !line.isEmpty
            }
        }
        finish()
        return library
    }

    /// `# Title`, `## Chapter`, `### Page …`, `##### Author`: the level and the heading.
    private static func heading(_ line: Substring) -> (Int, Substring)? {
        let level = line.prefix { $0 == "#" }.count
        guard (1...6).contains(level), line.dropFirst(level).first == " " else { return nil }
        return (level, line.dropFirst(level).trimmedOfWhitespace)
    }

    private static func isBacklink(_ line: Substring) -> Bool {
        line.hasPrefix("[") && line.hasSuffix(">)") && line.after("](<file://") != nil
    }

    /// An entry's highlight and note: the text, in the style its drawer was exported with (`*…*`,
    /// `**…**`, `==…==`, `++…++`, `~~…~~`, `<u>…</u>`), then, after a line `---`, the note. Older
    /// exports put the note first, in italics or after `Note:`, and ended the entry with `---`.
    private static func highlight(_ lines: [Substring]) -> (String, String?)? {
        let rule = lines.firstIndex(of: "---") ?? lines.endIndex
        var quote = lines[..<rule].joined(separator: "\n").trimmedOfWhitespace
        var note = rule < lines.endIndex ? lines[(rule + 1)...].joined(separator: "\n").trimmedOfWhitespace : ""
        if note.isEmpty, let split = quote.range(of: "\n\n", options: .backwards),
            let older = Self.note(String(quote[split.upperBound...]))
        {
            note = older[...]
            quote = quote[..<split.lowerBound].trimmedOfWhitespace
        }
        for (open, close) in Self.styles where quote.count > open.count + close.count {
            if quote.hasPrefix(open) && quote.hasSuffix(close) {
                quote = quote.dropFirst(open.count).dropLast(close.count).trimmedOfWhitespace
                break
            }
        }
        guard !quote.isEmpty else { return nil }
        return (String(quote), note.isEmpty ? nil : String(note))
    }

    /// The exporter's styles, the longest marks first.
    private static let styles = [
        ("**_", "_**"), ("**", "**"), ("==", "=="), ("++", "++"), ("~~", "~~"), ("<u>", "</u>"), ("*", "*"),
    ]

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
