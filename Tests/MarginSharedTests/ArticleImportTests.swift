import Foundation
import Testing

@testable import MarginShared

/// The repository's seed document.
func seedDocument() throws -> Data {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try Data(contentsOf: root.appendingPathComponent("seeds/000_cac94a10d226ae88.txt"))
}

@Suite struct ArticleImportTests {
    @Test func seedImportsWithItsMetadata() throws {
        let articles = try ArticleImporter.importDocument(seedDocument())
        #expect(articles.count == 2)
        let main = articles[0]
        #expect(main.title == "A Quick, Quiet Trip to Belarus Signals a Turn in U.S. Policy")
        #expect(main.source == "The New York Times")
        #expect(main.byline == "Andrew Higgins and Tomas Dapkus")
        // Feb. 15, 2025: the date under the byline, not the date the page was posted.
        #expect(main.publishedAt == 1_739_577_600_000)
        #expect(main.content.hasPrefix("After years of the U.S. trying to isolate Russia’s closest ally"))
        #expect(main.content.contains("The senior American diplomat slipped quietly into Belarus"))
        #expect(main.content.hasSuffix("to Kosovo, Serbia and other parts of former Yugoslavia."))
    }

    @Test func seedBodyHasNoPageFurniture() throws {
        let main = try ArticleImporter.importDocument(seedDocument())[0]
        for furniture in [
            "Link to the original article", "Share the Post", "Credit…", "Getty Images", "A crowd of people carrying",
            "their heads leaned forward", "Wilson Center", "Forced displacement", "March 4, 2025", "By Andrew",
        ] {
            #expect(!main.content.contains(furniture), "body contains \(furniture)")
        }
        #expect(!main.content.contains("\n\n\n"))
    }

    @Test func theUnrelatedTrailingPieceBecomesItsOwnArticle() throws {
        let articles = try ArticleImporter.importDocument(seedDocument())
        let trailing = articles[1]
        #expect(trailing.source == "Wilson Center")
        #expect(
            trailing.title == "Forced displacement represents one of the most pressing humanitarian issues of our time."
        )
        #expect(trailing.content.hasPrefix("Forced displacement represents"))
        // A line wrapped inside a paragraph is joined with a space.
        #expect(trailing.content.contains("compliance remains inconsistent."))
        #expect(trailing.id != articles[0].id)
    }

    @Test func importingTheSameArticleTwiceGivesOneID() throws {
        let first = try ArticleImporter.importDocument(seedDocument())
        let second = try ArticleImporter.importDocument(seedDocument())
        #expect(first.map(\.id) == second.map(\.id))
        #expect(first[0].id.hasPrefix("a-"))
    }

    @Test func rejectsBinaryAndInvalidUTF8() {
        #expect(throws: ImportError.notText) {
            try ArticleImporter.importDocument(Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 1]))
        }
        #expect(throws: ImportError.notUTF8) { try ArticleImporter.importDocument(Data([0x41, 0xC3, 0x28, 0x41])) }
        #expect(throws: ImportError.noReadableText) { try ArticleImporter.importDocument(Data("\n\n  \n".utf8)) }
    }

    @Test func creatingTheArticleRecordWritesEveryField() throws {
        let article = try ArticleImporter.importDocument(seedDocument())[0]
        var record = RecordState(id: article.id, kind: .article)
        var laptop = TestReplica("laptop")
        try laptop.edit(&record, article.changes(addedAt: 5))
        #expect(record.value("title") == .string(article.title))
        #expect(record.value("contentHash") == .string(SHA256.hex(article.content)))
        #expect(record.value("publishedAt") == .int(1_739_577_600_000))
        #expect(try WireFormat.decode(WireFormat.encode(record)) == record)
    }
}

/// The hand-written reader of a text's date lines agrees with the `DateFormatter` layouts it
/// replaced, on every month, day shape and layout, and on near misses.
@Suite struct DateLineTests {
    /// The layouts as Foundation read them before (the oracle).
    static func formatterDate(_ line: String) -> Int64? {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard text.count <= 40, text.contains(where: \.isNumber) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in [
            "MMMM d, yyyy", "MMM. d, yyyy", "MMM d, yyyy", "d MMMM yyyy", "d MMM yyyy", "yyyy-MM-dd",
            "EEEE, MMMM d, yyyy",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        if text.hasPrefix("Sept. ") { return formatterDate("Sep. " + text.dropFirst(6)) }
        return nil
    }

    static var lines: [String] {
        let full = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        var months = full + full.map { String($0.prefix(3)) } + full.map { String($0.prefix(3)) + "." } + ["Sept."]
        months += months.map { $0.lowercased() } + months.map { $0.uppercased() }
        var lines: [String] = []
        for month in months {
            for day in ["1", "04", "9", "28", "30", "31"] {
                lines += ["\(month) \(day), 2025", "\(day) \(month) 1999", "Tuesday, \(month) \(day), 2025"]
            }
        }
        return lines + [
            "2025-03-04", "2025-02-30", " March 4, 2025 ", "March 4 2025", "4 March, 2025", "March 4, 25",
            "Mar 4th, 2025", "March +4, 2025", "Marchy 4, 2025", "March 4, 2025 at noon", "Tuesday March 4, 2025",
            "Thursday, 4 March 2025", "4 Sept. 2025", "Sept 4, 2025", "4 Mar. 2025",
        ]
    }

    /// Where the two part on purpose: "Sept." in any case, and "Sept" without its dot, read as
    /// September; a two-digit year, which the formatter read as a year of the first century, is
    /// no date.
    static func isDeliberate(_ line: String) -> Bool {
        let lowered = line.lowercased()
        return lowered.hasPrefix("sept.") || lowered.hasPrefix("sept ") || line.hasSuffix(", 25")
    }

    @Test func partingOnPurpose() {
        #expect(ArticleImporter.parseDate("sept. 4, 2025") == ArticleImporter.parseDate("September 4, 2025"))
        #expect(ArticleImporter.parseDate("Sept 4, 2025") == ArticleImporter.parseDate("September 4, 2025"))
        #expect(ArticleImporter.parseDate("September 4, 2025") == 1_756_944_000_000)
        #expect(ArticleImporter.parseDate("March 4, 25") == nil)
    }

    @Test func theHandWrittenReaderReadsWhatTheFormatterRead() {
        var differences: [String] = []
        for line in Self.lines
        where !Self.isDeliberate(line) && ArticleImporter.parseDate(line) != Self.formatterDate(line) {
            differences.append(
                "\(line): \(ArticleImporter.parseDate(line).map(String.init) ?? "nil") against \(Self.formatterDate(line).map(String.init) ?? "nil")"
            )
        }
        #expect(differences.isEmpty, "\(differences.count) differ: \(differences.prefix(40))")
    }
}
