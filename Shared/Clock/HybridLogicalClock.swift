import Foundation

/// A hybrid logical clock reading: wall milliseconds, a logical counter and the replica, totally ordered.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970, as the wall clock (or a later reading) said.
    public let wallMillis: Int64
    /// Orders readings that share `wallMillis`.
    public let logical: UInt32
    /// Breaks the remaining ties.
    public let replica: ReplicaID

    /// A reading with the given parts.
    public init(wallMillis: Int64, logical: UInt32, replica: ReplicaID) {
        self.wallMillis = wallMillis
        self.logical = logical
        self.replica = replica
    }

    /// Orders two values.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.wallMillis, lhs.logical, lhs.replica) < (rhs.wallMillis, rhs.logical, rhs.replica)
    }

    /// A short human-readable form.
    public var description: String { "\(wallMillis).\(logical)@\(replica)" }
}

/// A replica's hybrid logical clock: readings grow strictly even when the wall clock goes back.
public struct HybridLogicalClock: Sendable, Equatable {
    /// The replica whose readings this clock makes.
    public let replica: ReplicaID
    /// The last reading made or observed.
    public private(set) var last: (wallMillis: Int64, logical: UInt32)

    /// A clock for `replica` that resumes after `wallMillis`/`logical` (both 0 for a new replica).
    public init(replica: ReplicaID, wallMillis: Int64 = 0, logical: UInt32 = 0) {
        self.replica = replica
        self.last = (wallMillis, logical)
    }

    /// The next reading, later than every reading made or observed before.
    public mutating func tick(wallMillis: Int64 = Self.wallNow()) -> Timestamp {
        if wallMillis > last.wallMillis {
            last = (wallMillis, 0)
        } else if last.logical == UInt32.max {
            last = (last.wallMillis + 1, 0)
        } else {
            last.logical += 1
        }
        return Timestamp(wallMillis: last.wallMillis, logical: last.logical, replica: replica)
    }

    /// Moves the clock past a reading seen from elsewhere, so the next tick orders after it.
    public mutating func observe(_ stamp: Timestamp) {
        if (stamp.wallMillis, stamp.logical) > last { last = (stamp.wallMillis, stamp.logical) }
    }

    /// The current wall clock in milliseconds since 1970.
    public static func wallNow() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Whether two values are equal.
    public static func == (lhs: HybridLogicalClock, rhs: HybridLogicalClock) -> Bool {
        lhs.replica == rhs.replica && lhs.last == rhs.last
    }
}
