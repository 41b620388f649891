/// One event of one replica: the replica's counter after the edit that made it.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The replica that made the edit.
    public let replica: ReplicaID
    /// The replica's counter for that edit, starting at 1.
    public let counter: UInt64

    /// A dot for `replica`'s edit number `counter`.
    public init(_ replica: ReplicaID, _ counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    /// Orders two values.
    public static func < (lhs: Dot, rhs: Dot) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    /// A short human-readable form.
    public var description: String { "\(replica):\(counter)" }
}
