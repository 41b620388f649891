import Foundation
import GRDB
import MarginSQLite
import Testing

@Suite struct StepOnceTests {
    @Test func bindsInPlaceAndReturnsTheFirstColumn() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, b BLOB NOT NULL, note TEXT)")
            let insert = try db.cachedStatement(
                sql: "INSERT INTO t (id, n, b, note) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING rowid")
            func add(_ id: String, _ bytes: [UInt8], note: String?) throws -> Int64? {
                try bytes.withUnsafeBytes { blob in
                    try insert.stepOnce(db) { bind in
                        bind.text(1, id)
                        bind.int(2, -7)
                        bind.blob(3, blob)
                        bind.text(4, note)
                    }
                }
            }
            #expect(try add("é-1", [1, 2, 3], note: "x") == 1)
            #expect(try add("b", [], note: nil) == 2)
            #expect(try add("é-1", [9], note: "again") == nil, "a conflict inserts nothing and returns no row")
            let row = try Row.fetchOne(db, sql: "SELECT * FROM t WHERE id = 'é-1'")!
            #expect(row["n"] == -7 as Int64)
            #expect(row["b"] == Data([1, 2, 3]))
            #expect(row["note"] == "x")
            #expect(try Row.fetchOne(db, sql: "SELECT note FROM t WHERE id = 'b'")?["note"] as String? == nil)
        }
    }

    @Test func anInsertTellsItsRowIDOnlyWhenItInsertedOne() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")
            func add(_ id: String, _ n: Int64) throws -> Int64? {
                try insert.insertedRowID(db) { bind in
                    bind.text(1, id)
                    bind.int(2, n)
                }
            }
            #expect(try add("a", 1) == 1)
            // Right after an insert that did insert: the skipped one must not report that one's.
            #expect(try add("a", 2) == nil)
            #expect(try add("b", 3) == 2)
            try db.execute(sql: "UPDATE t SET n = 9")
            #expect(try add("b", 4) == nil, "after a statement that changed two rows")
            #expect(try Int64.fetchAll(db, sql: "SELECT n FROM t ORDER BY id") == [9, 9])
        }
    }

    @Test func aFailedStepThrowsWithSQLitesMessage() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id TEXT NOT NULL)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id) VALUES (?)")
            #expect(throws: DatabaseError.self) { try insert.stepOnce(db) { $0.text(1, nil) } }
            do {
                try insert.stepOnce(db) { $0.text(1, nil) }
            } catch let error as DatabaseError {
                #expect(error.resultCode == .SQLITE_CONSTRAINT)
                #expect(error.message?.contains("NOT NULL") == true)
            }
            // The statement is reset after a failure and works again.
            try insert.stepOnce(db) { $0.text(1, "ok") }
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM t") == 1)
        }
    }
}
