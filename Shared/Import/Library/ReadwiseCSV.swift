import Foundation

/// The Readwise export: a CSV with Highlight, Book Title, Book Author, URL, Note, Color, Tags,
/// Location (and its type) and Highlighted at (Date), found by header name.
enum ReadwiseCSV {
    static func parse(_ text: String) -> Library {
        CSVReader.library(text, requiring: "highlight") { row, library in
            guard let quote = row.value("highlight"), let title = row.value("book title", "title") else { return false }
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

/// Dates as exports write them: ISO 8601, `2024-01-02 03:04:05`, or Unix seconds.
enum LibraryDates {
    static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(trimmed) { return seconds > 100_000_000_000 ? seconds : seconds * 1000 }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1000) }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1000) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in [
            "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ssZZZZZ", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd",
            "MMMM d, yyyy h:mm a",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        return nil
    }
}
