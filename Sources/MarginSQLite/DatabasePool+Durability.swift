import GRDB

extension DatabasePool {
    /// Makes every commit of the writer wait for the disk (`synchronous = FULL`).
    ///
    /// A pool sets `synchronous = NORMAL` (commits reach the disk only at checkpoints) once its
    /// connections are prepared, so this runs after opening.
    public func syncEveryCommit() throws {
        try writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }
}
