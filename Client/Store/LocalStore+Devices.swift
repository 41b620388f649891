import GRDB
import MarginShared

extension LocalStore {
    /// Keeps the names of the account's machines by replica id (a newer name replaces an older one).
    public func rememberDevices(_ names: [ReplicaID: String]) throws(StoreError) {
        try write { db in
            let upsert = try db.cachedStatement(
                sql:
                    "INSERT INTO devices (replica, name) VALUES (?, ?) ON CONFLICT (replica) DO UPDATE SET name = excluded.name"
            )
            for (replica, name) in names { try upsert.execute(arguments: [replica.rawValue, name]) }
        }
    }

    /// The names of the account's machines known here, by replica id.
    public func deviceNames() throws(StoreError) -> [ReplicaID: String] {
        try read { db in
            var names: [ReplicaID: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT replica, name FROM devices") {
                if let replica = ReplicaID(row["replica"]) { names[replica] = row["name"] }
            }
            return names
        }
    }
}
