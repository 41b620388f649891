import ArgumentParser
import Foundation
import GRDBSQLite
import MarginClient
import MarginShared

/// Local store: note creation and bulk apply, against plain SQLite inserting the same rows.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Local note creation and bulk apply against plain SQLite.")

    @Option(help: "Comma-separated record counts for bulk apply.")
    var sizes = "10000,100000"

    @Option(help: "How many notes to create one by one.")
    var creations = 1_000

    @Option(help: "Where to write the JSON result.")
    var output = "bench/results"

    func run() throws {
        let counts = sizes.split(separator: ",").compactMap { Int($0) }
        var report = Report(title: "Local store")
        print("Local store benchmark (release build recommended: swift run -c release margin-bench store)")
        print(
            "  " + "what".padding(toLength: 52, withPad: " ", startingAt: 0) + "   records         time          rate")

        let articles = try ArticleImporter.importDocument(
            Data(contentsOf: URL(fileURLWithPath: "seeds/000_cac94a10d226ae88.txt")))
        let work = scratch("store")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let store = try LocalStore(home: work + "/create")
        let article = try store.importArticles(articles)[0].article
        let words = (article.string("content") ?? "").split(separator: " ").map(String.init).filter { $0.count > 5 }
        let body = String(repeating: "a realistic comment ", count: 15)
        var ids: [String] = []
        let created = try time {
            for index in 0..<creations {
                ids.append(
                    try store.addNote(
                        article: article.id, quote: words[index % words.count], body: body, color: nil, tags: ["bench"]
                    ).id)
            }
        }
        report.add(Measurement(name: "create note (one transaction each)", records: creations, seconds: created))
        // The first step of every incremental round: one durable local edit.
        let edited = try time {
            for (index, id) in ids.enumerated() { try store.update(id, [.set("body", .string("edit \(index)"))]) }
        }
        report.add(Measurement(name: "edit note (one transaction each)", records: creations, seconds: edited))

        for count in counts {
            let states = remoteNotes(count: count, articleID: article.id)
            let blobs = states.map { WireFormat.encode($0) }
            let rawRecords = try time { try rawInsert(states, blobs: blobs, fts: false) }
            report.add(
                Measurement(name: "plain SQLite: insert \(count) rows, one tx", records: count, seconds: rawRecords))
            let rawFTS = try time { try rawInsert(states, blobs: blobs, fts: true) }
            report.add(Measurement(name: "plain SQLite: same rows + FTS rows, one tx", records: count, seconds: rawFTS))

            // As a sync hands them over: decoded, with their bytes (encoding them is not timed).
            let records = states.map(DecodedRecord.init)
            let applyStore = try LocalStore(home: work + "/apply-\(count)")
            let applied = try time { try applyStore.apply(records, cursor: "bench") }
            var row = Measurement(name: "apply \(count) remote notes, one tx", records: count, seconds: applied)
            row.note = String(format: "%.1f× records-only, %.1f× with FTS", applied / rawRecords, applied / rawFTS)
            report.add(row)

            let pagedStore = try LocalStore(home: work + "/paged-\(count)")
            let paged = try time {
                var start = 0
                while start < states.count {
                    let end = min(start + 1_000, states.count)
                    try pagedStore.apply(Array(records[start..<end]), cursor: "c\(end)")
                    start = end
                }
            }
            report.add(
                Measurement(name: "apply \(count) in pages of 1000 (as sync does)", records: count, seconds: paged))
            // What the first search after a first sync pays: the search entries of every pulled record.
            let indexed = try time { try pagedStore.indexBacklog() }
            report.add(
                Measurement(name: "index the search backlog of those \(count)", records: count, seconds: indexed))

            let again = try time { try applyStore.apply(records, cursor: "bench") }
            report.add(Measurement(name: "re-apply the same \(count) (no change)", records: count, seconds: again))
        }
        print(String(format: "  peak RSS %.1f MB", Double(peakRSS()) / 1_048_576))
        try report.write(to: output, name: "store")
    }

    /// `count` note states as another replica would send them, with ~300-byte quotes and bodies.
    func remoteNotes(count: Int, articleID: String) -> [RecordState] {
        let replica = ReplicaID("benchremote")!
        var clock = HybridLogicalClock(replica: replica)
        let quote = String(repeating: "quoted text ", count: 25)
        let body = String(repeating: "a comment on it ", count: 19)
        return (0..<count).map { index in
            var state = RecordState(id: String(format: "n-%08d", index), kind: .note, articleID: articleID)
            let anchor = Anchor(exact: quote, prefix: "before ", suffix: " after", start: index, end: index + 300)
            try! state.edit(
                [
                    .set("anchor", .anchor(anchor)), .set("body", .string(body + String(index))),
                    .set("color", .string("yellow")),
                    .set("createdAt", .int(1_700_000_000_000 + Int64(index))), .addTag("bench"),
                ],
                by: replica, at: clock.tick(wallMillis: 1_700_000_000_000 + Int64(index)))
            return state
        }
    }

    /// The raw cost: the same rows through the C API with prepared statements, into a new file, in
    /// one transaction or one per `perTransaction` rows (as a sync commits each page). WAL by
    /// default; `journal` names another journal mode (a bulk load into an empty file may use the
    /// cheapest that still survives a crash by starting over), `indexesAfter` builds the secondary
    /// indexes after the rows, and `pageSize` is the file's page size (SQLite's default, 4 KB).
    func rawInsert(
        _ states: [RecordState], blobs: [Data], fts: Bool, perTransaction: Int = .max, journal: String = "WAL",
        indexesAfter: Bool = false, pageSize: Int = 4_096
    ) throws {
        let folder = scratch("raw")
        let path = folder + "/raw.sqlite"
        var db: OpaquePointer?
        // Deferred in reverse: close first, then delete (each run writes ~150 MB).
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw ValidationError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) { sqlite3_exec(db, sql, nil, nil, nil) }
        exec("PRAGMA page_size = \(pageSize); PRAGMA journal_mode = \(journal); PRAGMA synchronous = NORMAL")
        let indexes = """
            CREATE INDEX records_by_article ON records(article_id) WHERE article_id IS NOT NULL;
            CREATE INDEX records_by_kind ON records(kind, created_at);
            """
        exec(
            """
            CREATE TABLE records (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, article_id TEXT,
              state BLOB NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
              orphaned INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL DEFAULT 0, title TEXT);
            \(indexesAfter ? "" : indexes)
            CREATE VIRTUAL TABLE search USING fts5(record_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2');
            """)
        defer { if indexesAfter { exec(indexes) } }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var insert: OpaquePointer?
        var index: OpaquePointer?
        sqlite3_prepare_v2(
            db, "INSERT INTO records (id, kind, article_id, state, created_at) VALUES (?, ?, ?, ?, ?)", -1, &insert, nil
        )
        sqlite3_prepare_v2(
            db, "INSERT INTO search (rowid, record_id, title, body) VALUES (?, ?, '', ?)", -1, &index, nil)
        defer {
            sqlite3_finalize(insert)
            sqlite3_finalize(index)
        }
        exec("BEGIN")
        for (offset, (state, blob)) in zip(states, blobs).enumerated() {
            if offset > 0 && offset % perTransaction == 0 { exec("COMMIT; BEGIN") }
            sqlite3_bind_text(insert, 1, state.id, -1, transient)
            sqlite3_bind_text(insert, 2, "note", -1, transient)
            sqlite3_bind_text(insert, 3, state.articleID, -1, transient)
            _ = blob.withUnsafeBytes { sqlite3_bind_blob(insert, 4, $0.baseAddress, Int32($0.count), transient) }
            sqlite3_bind_int64(insert, 5, state.createdAt)
            sqlite3_step(insert)
            sqlite3_reset(insert)
            if fts {
                sqlite3_bind_int64(index, 1, sqlite3_last_insert_rowid(db))
                sqlite3_bind_text(index, 2, state.id, -1, transient)
                sqlite3_bind_text(index, 3, state.searchText.body, -1, transient)
                sqlite3_step(index)
                sqlite3_reset(index)
            }
        }
        exec("COMMIT")
    }

    func scratch(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "margin-bench-\(name)-\(UUID().uuidString)"
        ).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
