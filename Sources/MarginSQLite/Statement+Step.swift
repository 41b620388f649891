import GRDB
import GRDBSQLite

/// Binds one statement's parameters straight through SQLite's C API: no boxing, and blobs are read
/// in place rather than copied into `Data` first.
public struct ParameterBinder {
    let handle: SQLiteStatement

    /// Binds text, or NULL when `value` is nil.
    public func text(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), transient)
        }
    }

    /// Binds an integer.
    public func int(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a blob without copying it: `bytes` must stay valid until the statement has run.
    public func blob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), nil)
    }

    /// SQLITE_TRANSIENT: SQLite copies the value before the call returns.
    private var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
}

extension Statement {
    /// Binds with `bind`, runs the statement to its first row, and returns that row's first
    /// column (nil when it returns no row); for hot single-row writes.
    @discardableResult
    public func stepOnce(_ db: Database, _ bind: (ParameterBinder) -> Void) throws -> Int64? {
        let handle = sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        defer { sqlite3_reset(handle) }
        bind(ParameterBinder(handle: handle))
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return sqlite3_column_int64(handle, 0)
        case SQLITE_DONE: return nil
        case let code:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: sql)
        }
    }
}
