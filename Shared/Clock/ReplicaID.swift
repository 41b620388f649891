import Foundation

/// The identity of one client store: created once, never reused, never authored by the server.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The id as written on the wire.
    public let rawValue: String

    /// Wraps a wire id, or returns nil when it is empty, longer than 64 bytes or not `[A-Za-z0-9_-]`.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A new random replica id of 16 hex digits.
    public static func random() -> ReplicaID {
        var generator = SystemRandomNumberGenerator()
        let bits = generator.next() as UInt64
        let hex = String(bits, radix: 16)
        return ReplicaID(String(repeating: "0", count: 16 - hex.count) + hex)!
    }

    static func isValid(_ raw: String) -> Bool {
        guard !raw.isEmpty, raw.utf8.count <= 64 else { return false }
        return ByteSet.replicaBytes.containsEveryByte(of: raw)
    }

    /// Orders two values.
    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A short human-readable form.
    public var description: String { rawValue }
}
