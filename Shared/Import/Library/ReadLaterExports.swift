import Foundation

/// The read-later services' exports, which hold saved articles (mostly without their text):
/// Pocket's CSV (`title,url,time_added,tags,status`), Instapaper's CSV (`URL,Title,Selection,Folder,
/// Timestamp`, and `Tags` in newer ones) and Omnivore's metadata JSON (a list of saved items with labels, state and
/// highlights). Pocket's older HTML export goes through MarginExtract, which has an HTML parser.
enum ReadLaterExports {
    static func parsePocketCSV(_ text: String) -> Library {
        CSVReader.library(text, requiring: "url") { row, library in
            guard let url = row.value("url") else { return false }
            var item = LibraryItem(url: url, title: row.value("title") ?? url)
            item.tags = (row.value("tags") ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            item.addedAt = row.value("time_added").flatMap(LibraryDates.parse)
            let status = row.value("status")?.lowercased()
            item.archived = status == "archive" || status == "archived"
            item.favorite = row.value("favorite").map { $0 == "1" || $0.lowercased() == "true" }
            library.add(item)
            return true
        }
    }

    static func parseInstapaperCSV(_ text: String) -> Library {
        CSVReader.library(text, requiring: "url") { row, library in
            guard let url = row.value("url") else { return false }
            var item = LibraryItem(url: url, title: row.value("title") ?? url)
            item.addedAt = row.value("timestamp").flatMap(LibraryDates.parse)
            switch row.value("folder") ?? "" {
            case "", "Unread": item.archived = false
            case "Archive": item.archived = true
            case "Starred": item.favorite = true
            case let folder: item.tags = [folder]
            }
            // Newer exports add a Tags column, a JSON list (`["essays","to read"]`).
            if let tags = row.value("tags") {
                let listed = (try? JSONSerialization.jsonObject(with: Data(tags.utf8))) as? [Any]
                for tag in listed?.compactMap({ $0 as? String }) ?? LibraryTags.split(tags) {
                    let name = tag.trimmingCharacters(in: .whitespaces)
                    if !name.isEmpty && !item.tags.contains(name) { item.tags.append(name) }
                }
            }
            if let selection = row.value("selection") {
                item.highlights.append(LibraryHighlight(quote: selection, location: "selection"))
            }
            library.add(item)
            return true
        }
    }

    static func parseOmnivoreJSON(_ data: Data) -> Library {
        var library = Library()
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            library.notUnderstood.append("the whole file (not a JSON list)")
            return library
        }
        for (number, entry) in list.enumerated() {
            guard let object = entry as? [String: Any], let url = object["url"] as? String, !url.isEmpty else {
                library.notUnderstood.append("item \(number + 1)")
                continue
            }
            var item = LibraryItem(
                url: url, title: object["title"] as? String ?? url, author: object["author"] as? String)
            item.tags = (object["labels"] as? [Any] ?? []).compactMap { label in
                (label as? String) ?? (label as? [String: Any])?["name"] as? String
            }
            item.archived = (object["state"] as? String)?.lowercased() == "archived"
            item.addedAt = (object["savedAt"] as? String).flatMap(LibraryDates.parse)
            for (position, raw) in (object["highlights"] as? [[String: Any]] ?? []).enumerated() {
                guard let quote = raw["quote"] as? String, !quote.isEmpty else { continue }
                var highlight = LibraryHighlight(
                    quote: quote, note: (raw["annotation"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                    location: raw["id"] as? String ?? "highlight \(position + 1)", position: position)
                highlight.color = raw["color"] as? String
                highlight.createdAt = (raw["createdAt"] as? String).flatMap(LibraryDates.parse)
                item.highlights.append(highlight)
            }
            library.add(item)
        }
        return library
    }

    /// Omnivore's highlights file (`highlights/SLUG.md` in its export zip), as its exporter writes
    /// it: each highlight a quote (`> text`, a blank line inside it written `> `), then, after a
    /// blank line each, its labels (`#one #two`) and its note. A note on the whole article quotes
    /// nothing and stands after more blank lines; it quotes itself here, as a lone Kindle note.
    static func omnivoreHighlights(_ markdown: String) -> [LibraryHighlight] {
        var highlights: [LibraryHighlight] = []
        var paragraphs: [String] = []
        var standsAlone = false
        var labelsRead = false
        func finish() {
            defer { paragraphs = [] }
            guard !highlights.isEmpty, !paragraphs.isEmpty else { return }
            let text = paragraphs.joined(separator: "\n\n")
            highlights[highlights.count - 1].note = text
            if standsAlone { highlights[highlights.count - 1].quote = text }
        }
        for (block, blankLines) in markdownBlocks(markdown) {
            let number = highlights.count + 1
            if block.first?.hasPrefix(">") == true {
                finish()
                var quote = String(
                    block.map { $0.hasPrefix("> ") ? $0.dropFirst(2) : $0.hasPrefix(">") ? $0.dropFirst() : $0 }
                        .joined(separator: "\n").trimmedOfWhitespace)
                // Older exports end a quote with a link back to it.
                if quote.hasSuffix(")"), let link = quote.range(of: " [⤴️](", options: .backwards) {
                    quote = String(quote[..<link.lowerBound].trimmedOfWhitespace)
                }
                highlights.append(LibraryHighlight(quote: quote, location: "highlight \(number)", position: number))
                standsAlone = false
                labelsRead = false
                continue
            }
            let text = String(block.joined(separator: "\n").trimmedOfWhitespace)
            let words = text.split(whereSeparator: \.isWhitespace)
            if highlights.isEmpty || blankLines > 1 {
                finish()
                highlights.append(LibraryHighlight(quote: text, note: text, location: "note \(number)"))
                standsAlone = true
                labelsRead = true
                paragraphs = [text]
            } else if !labelsRead && paragraphs.isEmpty && words.allSatisfy({ $0.hasPrefix("#") && $0.count > 1 }) {
                highlights[highlights.count - 1].tags = words.map { String($0.dropFirst()) }
                labelsRead = true
            } else {
                paragraphs.append(text)
            }
        }
        finish()
        return highlights.filter { !$0.quote.isEmpty }
    }

    /// The blocks of a Markdown text, each with the number of blank lines before it.
    private static func markdownBlocks(_ text: String) -> [(lines: [Substring], blankLinesBefore: Int)] {
        var blocks: [([Substring], Int)] = []
        var block: [Substring] = []
        var blankLines = 0
        var blankLinesBefore = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.allSatisfy(\.isWhitespace) {
                if !block.isEmpty {
                    blocks.append((block, blankLinesBefore))
                    block = []
                    blankLines = 0
                }
                blankLines += 1
            } else {
                if block.isEmpty { blankLinesBefore = blankLines }
                block.append(line)
            }
        }
        if !block.isEmpty { blocks.append((block, blankLinesBefore)) }
        return blocks
    }

    /// Pocket's highlights file (`annotations/part_*.json` in its export zip): a list of
    /// `{url, title, highlights: [{quote, created_at}]}`, added to the saved articles of the same
    /// address, or as articles of their own.
    static func addPocketAnnotations(_ data: Data, name: String, to library: inout Library) {
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any] else {
            library.notUnderstood.append("\(name) (not a JSON list)")
            return
        }
        for (number, entry) in list.enumerated() {
            guard let object = entry as? [String: Any], let url = object["url"] as? String, !url.isEmpty else {
                library.notUnderstood.append("\(name) item \(number + 1)")
                continue
            }
            var item = LibraryItem(url: url, title: object["title"] as? String ?? url)
            for (position, raw) in (object["highlights"] as? [[String: Any]] ?? []).enumerated() {
                guard let quote = raw["quote"] as? String, !quote.isEmpty else { continue }
                var highlight = LibraryHighlight(
                    quote: quote, location: "highlight \(position + 1)", position: position)
                highlight.createdAt =
                    (raw["created_at"] as? Int).flatMap { LibraryDates.unix(Int64($0)) }
                    ?? (raw["created_at"] as? String).flatMap(LibraryDates.parse)
                item.highlights.append(highlight)
            }
            let index = library.item(item.sourceKey) { item }
            for highlight in item.highlights where !library.items[index].highlights.contains(highlight) {
                library.items[index].highlights.append(highlight)
            }
        }
    }
}
