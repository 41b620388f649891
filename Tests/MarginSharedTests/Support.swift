import Foundation
import MarginShared

func environmentInt(_ name: String, default value: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
}

func replica(_ name: String) -> ReplicaID { ReplicaID(name)! }

/// A replica with its own clock, for hand-written scenarios.
struct TestReplica {
    let id: ReplicaID
    var clock: HybridLogicalClock
    var wall: Int64 = 1_700_000_000_000

    init(_ name: String) {
        id = ReplicaID(name)!
        clock = HybridLogicalClock(replica: id)
    }

    mutating func stamp(for record: RecordState) -> Timestamp {
        wall += 1
        if let latest = record.latestStamp { clock.observe(latest) }
        return clock.tick(wallMillis: wall)
    }

    mutating func edit(_ record: inout RecordState, _ changes: [Change]) throws {
        let stamp = stamp(for: record)
        try record.edit(changes, by: id, at: stamp)
    }

    mutating func delete(_ record: inout RecordState) {
        let stamp = stamp(for: record)
        record.delete(by: id, at: stamp)
    }
}
