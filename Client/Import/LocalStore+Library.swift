import Foundation
import GRDB
import MarginShared

/// What importing an export from another tool did, for its one summary line.
public struct LibraryImportSummary: Sendable, Equatable {
    /// Articles created or changed.
    public var articles = 0
    /// Notes (highlights, with or without a comment) created.
    public var notes = 0
    /// Bookmarks created.
    public var bookmarks = 0
    /// Entries already stored (an earlier import of the same export) or folded into another.
    public var duplicates = 0
    /// Notes whose quote the article's text does not hold: kept, marked orphaned.
    public var orphaned = 0
    /// Entries that could not be read, by where they stand.
    public var notUnderstood: [String] = []

    /// `imported 3 articles, 212 notes, 4 bookmarks; 7 duplicates skipped; 2 not understood (line
    /// 1840, line 2203)`.
    public var line: String {
        var text = "imported \(Self.count(articles, "article")), \(Self.count(notes, "note")), "
        text += Self.count(bookmarks, "bookmark")
        text += "; \(Self.count(duplicates, "duplicate")) skipped"
        if orphaned > 0 { text += "; \(orphaned) orphaned (quote not in the text)" }
        if !notUnderstood.isEmpty {
            let shown = notUnderstood.prefix(10).joined(separator: ", ")
            text += "; \(notUnderstood.count) not understood (\(shown)\(notUnderstood.count > 10 ? ", …" : ""))"
        }
        return text
    }

    private static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
}

extension LocalStore {
    /// Imports an export from another tool in one transaction: each source becomes an article
    /// (its text the highlights in reading order, when the export has no text), each highlight a
    /// note anchored to it, with ids derived from source, location and quote, so that importing
    /// the same export again, or on another machine, creates nothing new. `progress` is called
    /// after each source with the count done.
    public func importLibrary(
        _ library: Library, progress: (Int) -> Void = { _ in }
    ) throws(StoreError) -> LibraryImportSummary {
        try write { db in
            var summary = LibraryImportSummary()
            summary.duplicates = library.folded
            summary.notUnderstood = library.notUnderstood
            for (done, item) in library.items.enumerated() {
                try importItem(db, item, into: &summary)
                progress(done + 1)
            }
            return summary
        }
    }

    private func importItem(_ db: Database, _ item: LibraryItem, into summary: inout LibraryImportSummary) throws {
        let articleID = Self.articleID(of: item)
        let existing = try Self.load(db, id: articleID)
        let highlights = item.highlightsInReadingOrder
        let noteIDs = highlights.map { Self.noteID($0, item: item) }
        var fresh: [(LibraryHighlight, String)] = []
        var taken = Set<String>()
        for (highlight, id) in zip(highlights, noteIDs) {
            if try !taken.insert(id).inserted || Self.load(db, id: id) != nil {
                summary.duplicates += 1
            } else {
                fresh.append((highlight, id))
            }
        }
        // The article: created, or its text grown by quotes it lacks while it is only excerpts.
        var content = existing?.string("content") ?? ""
        let excerpted = existing.map { $0.flag("excerpted") } ?? (item.text == nil)
        // Where each highlight's own paragraph starts, when this import writes the excerpts.
        var paragraphs: [String: Int] = [:]
        var articleChanges: [Change] = []
        // A source with bookmarks and no highlight (a book only bookmarked) has nothing else to
        // anchor them to: each bookmark's label, or its place, is a paragraph of its excerpts.
        let bookmarkParagraphs = highlights.isEmpty ? item.bookmarks.map { Self.excerpt(of: $0, in: item) } : []
        if existing == nil {
            if let text = item.text {
                content = text
            } else {
                (content, paragraphs) = Self.excerpts(highlights.map(\.quote) + bookmarkParagraphs)
            }
            let article = ImportedArticle(url: item.url, title: item.title, byline: item.author, content: content)
            articleChanges = article.changes(addedAt: item.addedAt ?? HybridLogicalClock.wallNow())
            if excerpted { articleChanges.append(.set("excerpted", .bool(true))) }
        } else if excerpted {
            let text = AnchorText(content)
            let missing = (fresh.map(\.0.quote) + (content.isEmpty ? bookmarkParagraphs : [])).filter {
                !text.contains($0)
            }
            if !missing.isEmpty {
                (content, paragraphs) = Self.excerpts(content.components(separatedBy: "\n\n") + missing)
                articleChanges += [
                    .set("content", .string(content)), .set("contentHash", .string(SHA256.hex(content))),
                ]
            }
        }
        for tag in Self.importable(item.tags) where !(existing?.tagNames.contains(tag) ?? false) {
            articleChanges.append(.addTag(tag))
        }
        if let archived = item.archived, existing?.value("archived")?.boolValue != archived {
            articleChanges.append(.set("archived", .bool(archived)))
        }
        if let favorite = item.favorite, existing?.value("favorite")?.boolValue != favorite {
            articleChanges.append(.set("favorite", .bool(favorite)))
        }
        if !articleChanges.isEmpty {
            // An article the store cannot hold (excerpts past the content limit) is named with
            // what is in it, and left out whole.
            guard
                try Self.storing(
                    item, "", into: &summary,
                    {
                        try mutate(db, articleID, create: RecordState(id: articleID, kind: .article)) { state, stamp in
                            try state.edit(articleChanges, by: replicaID, at: stamp())
                        }
                    })
            else { return }
            summary.articles += 1
        } else if item.highlights.isEmpty && item.bookmarks.isEmpty {
            // A saved article alone is the entry: stored already, it is a duplicate.
            summary.duplicates += 1
        }
        // The notes, each anchored to its own highlight: its paragraph in excerpts this import
        // wrote, else where the quote appears (the same quote twice is its next appearance).
        let text = AnchorText(content)
        var seen: [String: Int] = [:]
        for (highlight, id) in fresh {
            let occurrence = seen[highlight.quote, default: 0]
            seen[highlight.quote] = occurrence + 1
            let quote = highlight.quote.trimmingCharacters(in: .whitespacesAndNewlines)
            // A quote longer than an anchor may hold (a clipped article) is anchored by its start;
            // the whole of it stays in the text.
            var held = highlight
            held.quote = Self.prefix(of: quote, fittingIn: limits.maxStringBytes)
            let own = paragraphs[quote].flatMap { text.anchor(start: $0, end: $0 + held.quote.unicodeScalars.count) }
            var (anchor, orphaned) = own.map { ($0, false) } ?? Self.anchor(held, occurrence: occurrence, in: text)
            if excerpted {
                // Text made of highlights has no real surroundings: the anchor keeps the export's
                // (or none), so that it re-anchors to the real text when that arrives.
                anchor.prefix = highlight.prefix ?? ""
                anchor.suffix = highlight.suffix ?? ""
            }
            var changes: [Change] = [
                .set("anchor", .anchor(anchor)),
                .set("createdAt", .int(highlight.createdAt ?? HybridLogicalClock.wallNow())),
                .set("color", .string(highlight.color ?? "yellow")),
            ]
            if let note = highlight.note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty {
                changes.append(.set("body", .string(note)))
            }
            changes += Self.importable(highlight.tags).map(Change.addTag)
            guard
                try Self.storing(
                    item, highlight.location, into: &summary,
                    {
                        try mutate(db, id, create: RecordState(id: id, kind: .note, articleID: articleID)) {
                            state, stamp in
                            try state.edit(changes, by: replicaID, at: stamp())
                        }
                    })
            else { continue }
            if orphaned {
                try db.execute(sql: "UPDATE records SET orphaned = 1 WHERE id = ?", arguments: [id])
                summary.orphaned += 1
            }
            summary.notes += 1
        }
        for bookmark in item.bookmarks {
            let id = RecordID.imported(.bookmark, sourceKey: item.sourceKey, location: bookmark.location, quote: "")
            if try Self.load(db, id: id) != nil {
                summary.duplicates += 1
                continue
            }
            // A bookmark sits at the first highlight at or after its place (books have no offsets),
            // else after the last one.
            let after = highlights.first { ($0.position ?? .max) >= (bookmark.position ?? .min) } ?? highlights.last
            let quote = after?.quote ?? Self.excerpt(of: bookmark, in: item)
            guard !content.isEmpty, let anchor = text.anchor(quote: quote) ?? text.anchor(start: 0, end: 1) else {
                continue
            }
            var changes: [Change] = [
                .set("anchor", .anchor(anchor)),
                .set("createdAt", .int(bookmark.createdAt ?? HybridLogicalClock.wallNow())),
            ]
            if let label = bookmark.label { changes.append(.set("label", .string(label))) }
            guard
                try Self.storing(
                    item, bookmark.location, into: &summary,
                    {
                        try mutate(db, id, create: RecordState(id: id, kind: .bookmark, articleID: articleID)) {
                            state, stamp in try state.edit(changes, by: replicaID, at: stamp())
                        }
                    })
            else { continue }
            summary.bookmarks += 1
        }
    }

    /// Runs `write`, a record's edit; when the record breaks a limit (a note over 64 KiB), names
    /// the entry among those not understood and returns false, the edit undone and the rest of
    /// the import going on.
    static func storing(
        _ item: LibraryItem, _ location: String, into summary: inout LibraryImportSummary, _ write: () throws -> Void
    ) throws -> Bool {
        do {
            try write()
            return true
        } catch let error as StoreError where error.code == .invalidInput {
        } catch is MarginShared.RecordError {}
        summary.notUnderstood.append(location.isEmpty ? item.title : "\(item.title), \(location)")
        return false
    }

    /// An export's tags as tags may be: without spaces at either end, cut to the longest a tag
    /// may be, each once, as many as one edit may add (an export's tag never stops an import).
    static func importable(_ tags: [String]) -> [String] {
        var kept: [String] = []
        for tag in tags {
            let trimmed = tag.trimmingCharacters(in: .whitespacesAndNewlines)
            let cut = prefix(of: trimmed, fittingIn: RecordLimits.default.maxTagBytes)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !cut.isEmpty && !kept.contains(cut) { kept.append(cut) }
        }
        return Array(kept.prefix(RecordLimits.default.maxTags))
    }

    /// The longest start of `text` within `bytes` bytes of UTF-8, cut between scalars.
    static func prefix(of text: String, fittingIn bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var count = 0
        let kept = text.unicodeScalars.prefix { scalar in
            count += UTF8.width(scalar)
            return count <= bytes
        }
        return String(String.UnicodeScalarView(kept))
    }

    /// What stands for a bookmark in excerpts that have no highlight: its label, else its place,
    /// else the source's title.
    static func excerpt(of bookmark: LibraryBookmark, in item: LibraryItem) -> String {
        let label = bookmark.label?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !label.isEmpty { return label }
        return bookmark.location.isEmpty ? item.title : bookmark.location
    }

    /// The article's id: the one the export gives it; else from its URL; else derived from the
    /// source key.
    static func articleID(of item: LibraryItem) -> String {
        if let id = item.articleID { return id }
        if let url = item.url { return RecordID.article(url: url, text: "") }
        return RecordID.article(sourceKey: item.sourceKey)
    }

    /// A note's id: the one the export gave it when that is a valid id, else derived (a W3C
    /// annotation's id may be a URL, which no record id can be).
    static func noteID(_ highlight: LibraryHighlight, item: LibraryItem) -> String {
        if let id = highlight.id, RecordID.isValid(id) { return id }
        return RecordID.imported(.note, sourceKey: item.sourceKey, location: highlight.location, quote: highlight.quote)
    }

    /// Text made of quotes, each its own paragraph, the same quote once, with the scalar offset
    /// where each paragraph starts: a note goes on its own highlight's paragraph without a search
    /// of the whole text per note, which made a book of thousands of highlights quadratic.
    static func excerpts(_ quotes: [String]) -> (text: String, starts: [String: Int]) {
        var starts: [String: Int] = [:]
        var paragraphs: [String] = []
        var offset = 0
        for quote in quotes {
            let paragraph = quote.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !paragraph.isEmpty, starts[paragraph] == nil else { continue }
            starts[paragraph] = offset
            paragraphs.append(paragraph)
            offset += paragraph.unicodeScalars.count + 2
        }
        return (paragraphs.joined(separator: "\n\n"), starts)
    }

    /// Where a highlight's quote stands in `content`: by its own context when the export kept it,
    /// else its `occurrence`-th appearance; orphaned (placed at 0, empty) when the text lacks it.
    static func anchor(_ highlight: LibraryHighlight, occurrence: Int, in text: AnchorText) -> (Anchor, Bool) {
        let quote = highlight.quote.trimmingCharacters(in: .whitespacesAndNewlines)
        if highlight.prefix != nil || highlight.suffix != nil {
            let hint = Anchor(
                exact: quote, prefix: highlight.prefix ?? "", suffix: highlight.suffix ?? "", start: 0, end: 0)
            if let found = hint.resolve(in: text).anchor { return (found, false) }
        }
        let starts = text.occurrences(of: quote)
        if let start = starts.isEmpty ? nil : starts[min(occurrence, starts.count - 1)],
            let found = text.anchor(start: start, end: start + quote.unicodeScalars.count)
        {
            return (found, false)
        }
        return (Anchor(exact: quote, prefix: "", suffix: "", start: 0, end: 0), true)
    }
}
