import Foundation

/// The Readwise export: a CSV with Highlight, Book Title, Book Author, URL, Note, Color, Tags,
/// Location (and its type) and Highlighted at (Date), found by header name.
enum ReadwiseCSV {
    static func parse(_ text: String) -> Library {
        CSVReader.library(text, requiring: "highlight") { row, library in
            // A note with no passage quotes itself, as a lone Kindle note.
            guard let quote = row.value("highlight") ?? row.value("note"), let title = row.value("book title", "title")
            else { return false }
            let author = row.value("book author", "author")
            let url = row.value("url", "source url", "highlight url")
            let index = library.item(LibraryItem(url: url, title: title, author: author).sourceKey) {
                LibraryItem(url: url, title: title, author: author)
            }
            let location = row.value("location") ?? ""
            let locationType = row.value("location type") ?? "location"
            var highlight = LibraryHighlight(
                quote: quote, note: row.value("note"), location: location.isEmpty ? "" : "\(locationType) \(location)",
                position: Int(location))
            highlight.color = row.value("color")?.lowercased()
            highlight.tags = LibraryTags.split(row.value("tags") ?? "")
            highlight.createdAt = row.value("highlighted at", "date").flatMap(LibraryDates.parse)
            library.items[index].highlights.append(highlight)
            for tag in LibraryTags.split(row.value("document tags") ?? "")
            where !library.items[index].tags.contains(tag) {
                library.items[index].tags.append(tag)
            }
            return true
        }
    }
}

/// Tag lists as exports write them: comma-, pipe- or space-separated.
enum LibraryTags {
    static func split(_ text: String) -> [String] {
        let separators: Set<Character> = text.contains(",") ? [","] : text.contains("|") ? ["|"] : [" "]
        return text.split { separators.contains($0) }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
