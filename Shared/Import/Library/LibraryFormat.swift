import Foundation

/// The exports `margin import --from` reads.
public enum LibraryFormat: String, CaseIterable, Sendable {
    case kindle, koreader, readwise, hypothesis, w3c, pocket, instapaper, omnivore

    /// Reads an export of this format. Pocket's and Instapaper's HTML exports need MarginExtract's
    /// `ReadLaterHTML`.
    public func parse(_ data: Data) throws(LibraryError) -> Library {
        let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        if !utf16 && data.prefix(8192).contains(0) {
            throw LibraryError("the file is binary, not a \(rawValue) export")
        }
        guard let text = Self.text(data, utf16: utf16) else { throw LibraryError("the file is not readable text") }
        let library: Library
        switch self {
        case .kindle: library = KindleClippings.parse(text)
        case .koreader:
            library = Self.startsLikeJSON(text) ? KOReaderExport.parseJSON(data) : KOReaderExport.parseMarkdown(text)
        case .readwise: library = ReadwiseCSV.parse(text)
        case .hypothesis: library = WebAnnotations.parseHypothesis(text)
        case .w3c: library = WebAnnotations.parseW3C(text)
        case .pocket: library = ReadLaterExports.parsePocketCSV(text)
        case .instapaper: library = ReadLaterExports.parseInstapaperCSV(text)
        case .omnivore: library = ReadLaterExports.parseOmnivoreJSON(data)
        }
        if library.items.isEmpty && !library.notUnderstood.isEmpty {
            throw LibraryError("nothing in the file reads as a \(rawValue) export (\(library.notUnderstood[0]))")
        }
        return library
    }

    /// Pocket's export zip, read from its files: `part_*.csv`, the saved articles (10,000 to a
    /// part), and `annotations/part_*.json`, their highlights.
    public static func pocketExport(csvParts: [Data], annotations: [(name: String, data: Data)]) throws(LibraryError)
        -> Library
    {
        var library = Library()
        for part in csvParts {
            let read = try LibraryFormat.pocket.parse(part)
            library.notUnderstood += read.notUnderstood
            for item in read.items { library.add(item) }
        }
        for file in annotations { ReadLaterExports.addPocketAnnotations(file.data, name: file.name, to: &library) }
        return library
    }

    /// A time as exports write it (Unix seconds or milliseconds, ISO 8601, or in words), in
    /// milliseconds since 1970; nil when it reads as none.
    public static func time(_ text: String) -> Int64? { LibraryDates.parse(text) }

    /// The highlights and notes of one article in Omnivore's export zip (`highlights/SLUG.md`).
    public static func omnivoreHighlights(_ markdown: String) -> [LibraryHighlight] {
        ReadLaterExports.omnivoreHighlights(markdown)
    }

    /// The format a file's first bytes show, when only one fits; nil when unsure.
    public static func detect(_ data: Data) -> LibraryFormat? {
        let start = data.prefix(4096)
        let utf16 = start.starts(with: [0xFF, 0xFE]) || start.starts(with: [0xFE, 0xFF])
        let head = utf16 ? text(start, utf16: true) ?? "" : String(decoding: start, as: UTF8.self)
        let lower = head.lowercased()
        var found: [LibraryFormat] = []
        // A line of kind and place that reads in one of Kindle's languages, with a separator line,
        // or second in the file, under the first title (a first clipping may be longer than the head).
        let lines = head.split(whereSeparator: \.isNewline)
        if lines.contains(where: { KindleClippings.Meta($0) != nil })
            && (head.contains("==========") || (lines.count > 1 && KindleClippings.Meta(lines[1]) != nil))
        {
            found.append(.kindle)
        }
        // A CSV header read the same whatever separator its spreadsheet chose, quoted or not.
        let firstLine = String(
            (lower.split(whereSeparator: \.isNewline).first ?? "").filter { $0 != "\"" && $0 != "\u{FEFF}" }
                .map { $0 == ";" || $0 == "\t" ? "," : $0 })
        if firstLine.contains("highlight") && firstLine.contains("book title") { found.append(.readwise) }
        if firstLine.hasPrefix("title,url,time_added") { found.append(.pocket) }
        if firstLine.hasPrefix("url,title,selection,folder") { found.append(.instapaper) }
        if head.hasPrefix("# ") && (lower.contains("\n### page ") || lower.contains("\n##### ")) {
            found.append(.koreader)
        }
        if startsLikeJSON(head) {
            if lower.contains("annotationcollection") || lower.contains("anno.jsonld") { found.append(.w3c) }
            if lower.contains("\"rows\"") && lower.contains("\"uri\"") || lower.contains("hypothes.is") {
                found.append(.hypothesis)
            }
            if lower.contains("\"entries\"") && lower.contains("\"title\"") { found.append(.koreader) }
            if lower.contains("\"savedat\"") || lower.contains("\"slug\"") { found.append(.omnivore) }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The file's text: UTF-8; UTF-16 when it starts with a byte order mark (Windows' "Unicode"
    /// saves); else Windows-1252, what a spreadsheet on Windows writes when it saves a CSV again.
    static func text(_ data: Data, utf16: Bool) -> String? {
        if utf16 { return String(data: data, encoding: .utf16) }
        return String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252)
    }

    static func startsLikeJSON(_ text: String) -> Bool {
        let first = text.first { !$0.isWhitespace && $0 != "\u{FEFF}" }
        return first == "{" || first == "["
    }
}
