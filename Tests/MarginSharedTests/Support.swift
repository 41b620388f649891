import Foundation
import MarginShared

/// A small, fast, seedable generator so a failing history can be replayed exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The seed a randomized test starts from: `MARGIN_SEED` when set, else a fresh one.
func testSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["MARGIN_SEED"], let seed = UInt64(text) { return seed }
    var system = SystemRandomNumberGenerator()
    return system.next()
}

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
