import Foundation

/// The replica ids one record names, found by their UTF-8 bytes without making a String.
///
/// A handful is the usual case and a scan finds it; past that the ids are hashed, so that a record
/// naming a thousand replicas costs a thousand lookups, not a million comparisons.
struct ReplicaTable {
    private var ids: [ReplicaID] = []
    /// Positions in `ids` by hash of their bytes, once there are more than `scanned`.
    private var buckets: [Int: [Int]] = [:]
    private static let scanned = 8

    /// How many ids it holds.
    var count: Int { ids.count }

    /// The known id spelled by `bytes`, or nil.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> ReplicaID? {
        if ids.count <= Self.scanned {
            for id in ids where Self.spells(id, bytes) { return id }
            return nil
        }
        for position in buckets[Self.hash(bytes)] ?? [] where Self.spells(ids[position], bytes) {
            return ids[position]
        }
        return nil
    }

    /// Adds an id not yet known.
    mutating func insert(_ id: ReplicaID) {
        ids.append(id)
        if ids.count == Self.scanned + 1 {
            for (position, known) in ids.enumerated() { buckets[Self.hash(known), default: []].append(position) }
        } else if ids.count > Self.scanned + 1 {
            buckets[Self.hash(id), default: []].append(ids.count - 1)
        }
    }

    private static func spells(_ id: ReplicaID, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var raw = id.rawValue
        return raw.withUTF8 { mine in
            mine.count == bytes.count
                && (mine.isEmpty || memcmp(mine.baseAddress!, bytes.baseAddress!, mine.count) == 0)
        }
    }

    private static func hash(_ id: ReplicaID) -> Int {
        var raw = id.rawValue
        return raw.withUTF8 { hash($0) }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return hasher.finalize()
    }
}
