import Foundation

/// Reads articles out of plain text or HTML pages, leaving page furniture behind.
public enum ArticleImporter {
    /// Imports a plain-text file's bytes (web pages go through MarginExtract's `PageImporter`).
    ///
    /// A text can hold more than one piece (a scrape that runs on past "Share the Post:" into an
    /// unrelated item); each piece becomes its own article, the main one first.
    public static func importDocument(_ data: Data, url: String? = nil) throws(ImportError) -> [ImportedArticle] {
        if data.prefix(8192).contains(0) { throw .notText }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        let articles = importText(text, url: url)
        guard !articles.isEmpty else { throw .noReadableText }
        return articles
    }

    /// Imports plain text: paragraphs separated by blank lines, metadata read from the first lines.
    public static func importText(_ text: String, url: String? = nil) -> [ImportedArticle] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let paragraphs = normalized.components(separatedBy: "\n\n").compactMap { block -> String? in
            // A single line break inside a paragraph is a soft wrap.
            let joined = block.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ")
                .trimmingCharacters(in: .whitespaces)
            return joined.isEmpty ? nil : joined
        }
        return articles(from: paragraphs, url: url)
    }

    /// Whether a document's first bytes look like a web page rather than plain text.
    public static func looksLikeHTML(_ head: Data) -> Bool {
        let text = String(decoding: head.prefix(2048), as: UTF8.self).lowercased()
        return text.contains("<html") || text.contains("<!doctype html") || text.contains("<body")
            || text.contains("<p>") || text.contains("<article") || text.contains("<head")
    }

    /// Splits the text into pieces at share widgets and reads each piece.
    private static func articles(from paragraphs: [String], url: String?) -> [ImportedArticle] {
        var pieces: [[String]] = [[]]
        for paragraph in paragraphs {
            if isPieceBoundary(paragraph) {
                pieces.append([])
            } else {
                pieces[pieces.count - 1].append(paragraph)
            }
        }
        var result: [ImportedArticle] = []
        for (index, piece) in pieces.enumerated() {
            let isMain = index == 0
            guard var article = read(piece, trailing: !isMain) else { continue }
            if isMain { article.url = url.flatMap { RecordID.canonicalURL($0) } ?? url }
            if article.title.isEmpty { article.title = firstSentence(article.content) }
            result.append(article)
        }
        return result
    }

    /// Reads one piece: leading metadata lines, then the body without captions and boilerplate.
    private static func read(_ piece: [String], trailing: Bool) -> ImportedArticle? {
        var title = ""
        var byline: String?
        var source: String?
        var dates: [Int64] = []
        var dateAfterByline: Int64?
        var body: [String] = []
        var inHeader = true
        for (index, paragraph) in piece.enumerated() {
            if isBoilerplate(paragraph) { continue }
            if inHeader && paragraph.count < 200 {
                if let date = parseDate(paragraph) {
                    dates.append(date)
                    if byline != nil && dateAfterByline == nil { dateAfterByline = date }
                    continue
                }
                if let name = parseByline(paragraph) {
                    byline = name
                    continue
                }
                if title.isEmpty, let (prefix, rest) = sourcePrefixed(paragraph) {
                    source = expandSource(prefix)
                    title = rest
                    continue
                }
                if trailing && index == 0 && isHeading(paragraph) {
                    // After a share widget, a lone name heads the next item: its publisher.
                    source = paragraph
                    continue
                }
                if title.isEmpty && !trailing && isHeading(paragraph) {
                    title = paragraph
                    continue
                }
            }
            if byline != nil || paragraph.count >= 200 { inHeader = false }
            body.append(paragraph)
        }
        body = removeCaptions(body)
        guard !body.isEmpty else { return nil }
        return ImportedArticle(
            title: title, byline: byline, source: source, publishedAt: dateAfterByline ?? dates.first,
            content: body.joined(separator: "\n\n"))
    }

    /// Drops photo captions (they carry a credit) and the image description just before one.
    private static func removeCaptions(_ body: [String]) -> [String] {
        var keep = [Bool](repeating: true, count: body.count)
        for (index, paragraph) in body.enumerated() where isCaption(paragraph) {
            keep[index] = false
            if index > 0 && body[index - 1].count < 250 && !isCaption(body[index - 1]) { keep[index - 1] = false }
        }
        return zip(body, keep).filter(\.1).map(\.0)
    }

    private static func isCaption(_ paragraph: String) -> Bool {
        paragraph.contains("Credit…") || paragraph.contains("Credit...") || paragraph.hasPrefix("Photo: ")
            || paragraph.hasPrefix("Image: ")
    }

    private static let boilerplate: Set<String> = [
        "link to the original article", "advertisement", "skip to content", "continue reading the main story",
        "supported by", "read more", "share", "share this", "listen to this article",
    ]

    private static func isBoilerplate(_ paragraph: String) -> Bool {
        let folded = paragraph.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :.·|"))
        return boilerplate.contains(folded)
    }

    private static func isPieceBoundary(_ paragraph: String) -> Bool {
        let folded = paragraph.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " :."))
        return ["share the post", "share this post", "share this article", "related posts", "more from"].contains(
            folded)
    }

    /// A short line with no closing punctuation: a heading, not a sentence.
    private static func isHeading(_ paragraph: String) -> Bool {
        guard paragraph.count <= 160, let last = paragraph.last else { return false }
        return !".!?:;,".contains(last)
    }

    private static func parseByline(_ paragraph: String) -> String? {
        guard paragraph.hasPrefix("By ") || paragraph.hasPrefix("by "), paragraph.count <= 120 else { return nil }
        let name = paragraph.dropFirst(3).trimmingCharacters(in: .whitespaces)
        let words = name.split(separator: " ")
        guard !words.isEmpty, words.count <= 12, words.first?.first?.isUppercase == true else { return nil }
        return name
    }

    /// `(NYT) Headline` → ("NYT", "Headline").
    private static func sourcePrefixed(_ paragraph: String) -> (String, String)? {
        guard paragraph.hasPrefix("("), let close = paragraph.firstIndex(of: ")") else { return nil }
        let prefix = paragraph[paragraph.index(after: paragraph.startIndex)..<close]
        let rest = paragraph[paragraph.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard !prefix.isEmpty, prefix.count <= 40, !rest.isEmpty, isHeading(rest) else { return nil }
        return (String(prefix), rest)
    }

    private static let sources: [String: String] = [
        "NYT": "The New York Times", "WSJ": "The Wall Street Journal", "WaPo": "The Washington Post",
        "FT": "Financial Times", "AP": "Associated Press", "BBC": "BBC News", "WP": "The Washington Post",
    ]

    private static func expandSource(_ abbreviation: String) -> String {
        sources[abbreviation] ?? abbreviation
    }

    /// A line that is only a date, as UTC midnight in milliseconds: `March 4, 2025`, `Mar. 4,
    /// 2025`, `Sept. 4, 2025`, `Tuesday, March 4, 2025`, `4 March 2025`, `4 Mar 2025` or
    /// `2025-03-04`, English month names in any case; a year has four digits.
    ///
    /// Read by hand: on Linux, Foundation's `DateFormatter.date(from:)` leaked memory (896 bytes,
    /// found by the importer's fuzz target).
    static func parseDate(_ line: String) -> Int64? {
        let text = line.trimmedOfWhitespace
        guard text.count <= 40, text.contains(where: \.isNumber) else { return nil }
        if text.utf8.count == 10, let midnight = LibraryDates.iso(text) { return midnight }
        var words = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        // A weekday first, a comma after it or none, then a month without a dot:
        // "Tuesday, March 4, 2025".
        var weekday = false
        if words.count == 4, weekdays.contains(String(words[0].hasSuffix(",") ? words[0].dropLast() : words[0])) {
            words.removeFirst()
            weekday = true
        }
        guard words.count == 3, let year = digits(words[2], count: 4...4) else { return nil }
        let day: Int
        let month: Int
        // The comma after the day may be left out: "March 4 2025".
        if !(weekday && words[0].hasSuffix(".")), let named = monthNumber(words[0]),
            let number = digits(words[1].hasSuffix(",") ? words[1].dropLast() : words[1], count: 1...2)
        {
            (month, day) = (named, number)
        } else if !weekday, let number = digits(words[0], count: 1...2), !words[1].hasSuffix("."),
            let named = monthNumber(words[1])
        {
            (month, day) = (named, number)
        } else {
            return nil
        }
        guard let days = CalendarDay(year: year, month: month, day: day)?.daysSince1970 else { return nil }
        return Int64(days) * 86_400_000
    }

    /// `text` as a number when it is `count` ASCII digits and nothing else.
    private static func digits(_ text: Substring, count: ClosedRange<Int>) -> Int? {
        guard count.contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    /// The month a word names: its whole English name, or three letters with a dot or none
    /// ("Sept." too, as many papers shorten September).
    private static func monthNumber(_ word: Substring) -> Int? {
        let monthNames = LibraryDates.englishMonths
        if let index = monthNames.firstIndex(of: String(word)) { return index + 1 }
        let short = word.hasSuffix(".") ? word.dropLast() : word
        if short == "sept" { return 9 }
        guard short.count == 3 else { return nil }
        return monthNames.firstIndex { $0.hasPrefix(short) }.map { $0 + 1 }
    }

    private static let weekdays: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    /// An ISO 8601 date or time (or a date line) as milliseconds since 1970, UTC.
    public static func parseISODate(_ text: String) -> Int64? {
        // By hand first: a Foundation formatter made per call cost two thirds of what reading all
        // of a page's metadata did.
        if let milliseconds = LibraryDates.iso(text.trimmedOfWhitespace) { return milliseconds }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        return parseDate(String(text.prefix(10)))
    }

    /// The first sentence of `text`, cut at a word boundary to about 100 characters.
    public static func firstSentence(_ text: String) -> String {
        let firstParagraph = text.prefix { $0 != "\n" }
        var sentence = String(firstParagraph)
        if let end = firstParagraph.firstIndex(where: { ".!?".contains($0) }) {
            sentence = String(firstParagraph[...end])
        }
        guard sentence.count > 100 else { return sentence }
        let cut = sentence.prefix(100)
        return (cut.lastIndex(of: " ").map { String(cut[..<$0]) } ?? String(cut)) + "…"
    }
}
