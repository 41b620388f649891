import Foundation
import GRDB
import MarginShared

/// What importing one article did.
public struct ImportOutcome: Sendable, Equatable {
    /// What happened to the article record.
    public enum Action: String, Sendable {
        case created, updated, unchanged
    }

    /// The article's record after the import.
    public let article: RecordState
    /// Created, updated (text or metadata changed) or unchanged.
    public let action: Action
    /// Notes and bookmarks whose anchors moved to follow the new text.
    public let reanchored: Int
    /// Notes and bookmarks whose quote is gone from the new text: kept, marked orphaned.
    public let orphaned: [String]
}

extension LocalStore {
    /// Imports articles; one already stored is updated when its text changed, and its notes re-anchored.
    public func importArticles(_ articles: [ImportedArticle]) throws(StoreError) -> [ImportOutcome] {
        try write { db in
            try articles.map { article in try self.importArticle(db, article) }
        }
    }

    private func importArticle(_ db: Database, _ article: ImportedArticle) throws -> ImportOutcome {
        var id = article.id
        var existing = try Self.load(db, id: id)
        if existing == nil && article.url == nil, let sameTitle = try Self.articleWithoutURL(db, titled: article) {
            // With no url the id comes from the text, so an edited text would make a second copy:
            // a stored article with the same title and source is the one being updated.
            id = sameTitle.id
            existing = sameTitle
        }
        let now = HybridLogicalClock.wallNow()
        var changes = article.changes(addedAt: now)
        if let existing {
            // Only what differs is written, so re-importing an unchanged page is no edit at all.
            changes = changes.filter { change in
                guard case .set(let field, let value) = change, field != "addedAt" else { return false }
                return existing.value(field) != value
            }
        }
        // The article's own text replaces the highlights an import made it of.
        if existing?.flag("excerpted") == true { changes.append(.set("excerpted", .bool(false))) }
        if existing != nil && changes.isEmpty {
            return ImportOutcome(article: existing!, action: .unchanged, reanchored: 0, orphaned: [])
        }
        let state = try mutate(db, id, create: RecordState(id: id, kind: .article)) { state, stamp in
            try state.edit(changes, by: replicaID, at: stamp())
        }
        guard existing != nil else {
            return ImportOutcome(article: state, action: .created, reanchored: 0, orphaned: [])
        }
        let (moved, orphans) = try reanchor(db, articleID: id, content: state.string("content") ?? "")
        return ImportOutcome(article: state, action: .updated, reanchored: moved, orphaned: orphans)
    }

    static func articleWithoutURL(_ db: Database, titled article: ImportedArticle) throws -> RecordState? {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM records WHERE kind = 'article' AND deleted = 0 AND title = ? ORDER BY created_at",
            arguments: [article.title])
        for id in ids {
            guard let state = try load(db, id: id) else { continue }
            if state.string("url") == nil && state.string("source") == article.source { return state }
        }
        return nil
    }

    /// Re-resolves every anchor on an article against its current text; returns moved and orphaned.
    func reanchor(_ db: Database, articleID: String, content: String) throws -> (Int, [String]) {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM records WHERE article_id = ? AND deleted = 0 ORDER BY created_at, id",
            arguments: [articleID])
        var moved = 0
        var orphans: [String] = []
        let text = AnchorText(content)
        for id in ids {
            guard let state = try Self.load(db, id: id), let anchor = state.anchor() else { continue }
            let resolution = anchor.resolve(in: text)
            let isOrphan = resolution == .orphaned
            try db.execute(sql: "UPDATE records SET orphaned = ? WHERE id = ?", arguments: [isOrphan, id])
            if isOrphan {
                orphans.append(id)
            } else if let new = resolution.anchor, new != anchor {
                try mutate(db, id) { state, stamp in
                    try state.edit([.set("anchor", .anchor(new))], by: replicaID, at: stamp())
                }
                moved += 1
            }
        }
        return (moved, orphans)
    }

    /// Adds a note on `quote` (its `occurrence`-th appearance) in an article.
    public func addNote(
        article articleID: String, quote: String, occurrence: Int = 0, body: String?, color: String?, tags: [String]
    ) throws(StoreError) -> RecordState {
        let anchor = try anchor(in: articleID, quote: quote, occurrence: occurrence)
        if let body, body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw StoreError(.invalidInput, "a note body cannot be empty; leave --body out for a plain highlight")
        }
        var changes: [Change] = [
            .set("anchor", .anchor(anchor)), .set("createdAt", .int(HybridLogicalClock.wallNow())),
        ]
        if let body { changes.append(.set("body", .string(body))) }
        changes.append(.set("color", .string(color ?? "yellow")))
        changes += try Self.validTags(tags).map(Change.addTag)
        let id = RecordID.uuidv7()
        return try mutate(id, create: RecordState(id: id, kind: .note, articleID: articleID)) { state, stamp in
            try state.edit(changes, by: replicaID, at: stamp())
        }
    }

    /// A note to add with `addNotes`: an anchor already resolved against its article.
    public struct NoteDraft: Sendable {
        /// The article the note belongs to.
        public var articleID: String
        /// Where it sits.
        public var anchor: Anchor
        /// The comment, if any.
        public var body: String?
        /// Tags.
        public var tags: [String]

        /// A draft.
        public init(articleID: String, anchor: Anchor, body: String?, tags: [String] = []) {
            self.articleID = articleID
            self.anchor = anchor
            self.body = body
            self.tags = tags
        }
    }

    /// Adds many notes in one transaction (imports of highlights from elsewhere).
    @discardableResult
    public func addNotes(_ drafts: [NoteDraft]) throws(StoreError) -> [String] {
        try write { db in
            let now = HybridLogicalClock.wallNow()
            return try drafts.map { draft in
                var changes: [Change] = [
                    .set("anchor", .anchor(draft.anchor)), .set("createdAt", .int(now)),
                    .set("color", .string("yellow")),
                ]
                if let body = draft.body { changes.append(.set("body", .string(body))) }
                changes += try Self.validTags(draft.tags).map(Change.addTag)
                let id = RecordID.uuidv7(millis: now)
                try mutate(db, id, create: RecordState(id: id, kind: .note, articleID: draft.articleID)) {
                    state, stamp in
                    try state.edit(changes, by: replicaID, at: stamp())
                }
                return id
            }
        }
    }

    /// Adds a bookmark on a quote or at a character offset of an article.
    public func addBookmark(
        article articleID: String, quote: String?, offset: Int?, label: String?
    ) throws(StoreError) -> RecordState {
        let anchor: Anchor
        if let quote {
            anchor = try self.anchor(in: articleID, quote: quote, occurrence: 0)
        } else {
            let content = try articleContent(articleID)
            let count = content.unicodeScalars.count
            guard let offset, offset >= 0, offset <= count,
                let made = Anchor.create(start: offset, end: min(count, offset + 1), in: content)
            else {
                throw StoreError(.invalidInput, "offset must be between 0 and \(count) for this article")
            }
            anchor = made
        }
        var changes: [Change] = [
            .set("anchor", .anchor(anchor)), .set("createdAt", .int(HybridLogicalClock.wallNow())),
        ]
        if let label { changes.append(.set("label", .string(label))) }
        let id = RecordID.uuidv7()
        return try mutate(id, create: RecordState(id: id, kind: .bookmark, articleID: articleID)) { state, stamp in
            try state.edit(changes, by: replicaID, at: stamp())
        }
    }

    /// Writes fields of a record as one local edit.
    @discardableResult
    public func update(_ id: String, _ changes: [Change]) throws(StoreError) -> RecordState {
        guard !changes.isEmpty else { throw StoreError(.invalidInput, "nothing to change") }
        for change in changes {
            if case .set("body", .string(let body)) = change,
                body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            {
                throw StoreError(.invalidInput, "a note body cannot be empty")
            }
            if case .addTag(let tag) = change { _ = try Self.validTags([tag]) }
        }
        return try mutate(id) { state, stamp in
            guard !state.isDeleted else { throw StoreError(.notFound, "\(id) is deleted") }
            do {
                try state.edit(changes, by: replicaID, at: stamp())
            } catch {
                throw StoreError(.invalidInput, "\(error)")
            }
        }
    }

    /// Moves a note or bookmark to another quote in its article.
    @discardableResult
    public func reanchor(_ id: String, quote: String, occurrence: Int = 0) throws(StoreError) -> RecordState {
        let state = try record(id)
        guard let articleID = state.articleID else { throw StoreError(.invalidInput, "\(id) is an article") }
        let anchor = try anchor(in: articleID, quote: quote, occurrence: occurrence)
        return try update(id, [.set("anchor", .anchor(anchor))])
    }

    /// Deletes a record; an edit made elsewhere that this machine has not seen yet will revive it.
    public func delete(_ id: String) throws(StoreError) {
        try mutate(id) { state, stamp in
            guard !state.isDeleted else { throw StoreError(.notFound, "\(id) is already deleted") }
            state.delete(by: replicaID, at: stamp())
        }
    }

    /// Resolves a conflict by writing one value that has seen every sibling.
    @discardableResult
    public func resolve(_ id: String, field: String, value: FieldValue) throws(StoreError) -> RecordState {
        let state = try record(id)
        guard state.conflicts.contains(where: { $0.field == field }) else {
            throw StoreError(.invalidInput, "\(id) has no conflict on '\(field)'")
        }
        return try update(id, [.set(field, value)])
    }

    private func articleContent(_ articleID: String) throws(StoreError) -> String {
        let article = try record(articleID)
        guard article.kind == .article, !article.isDeleted else {
            throw StoreError(.notFound, "no article \(articleID)")
        }
        return article.string("content") ?? ""
    }

    private func anchor(in articleID: String, quote: String, occurrence: Int) throws(StoreError) -> Anchor {
        guard !quote.isEmpty else { throw StoreError(.invalidInput, "the quote cannot be empty") }
        let text = AnchorText(try articleContent(articleID))
        guard let anchor = text.anchor(quote: quote, occurrence: occurrence) else {
            let count = text.occurrences(of: quote).count
            if count == 0 { throw StoreError(.invalidInput, "the quote is not in article \(articleID.prefix(12))") }
            throw StoreError(.invalidInput, "the quote appears \(count) times; --occurrence takes 0 to \(count - 1)")
        }
        return anchor
    }

    static func validTags(_ tags: [String]) throws(StoreError) -> [String] {
        for tag in tags {
            let trimmed = tag.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed == tag, tag.utf8.count <= RecordLimits.default.maxTagBytes else {
                throw StoreError(.invalidInput, "a tag must be 1 to 128 bytes with no leading or trailing spaces")
            }
        }
        return tags
    }
}
