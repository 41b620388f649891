import Foundation

/// A member name as read: in place when it holds only plain ASCII (every name a writer makes for a
/// known member), else decoded from its escapes. Matching one against a literal makes no String.
struct MemberName {
    private enum Text {
        case plain(UnsafeBufferPointer<UInt8>)
        case decoded(String)
    }

    private let text: Text

    init(plain bytes: UnsafeBufferPointer<UInt8>) {
        text = .plain(bytes)
    }

    init(decoded name: String) {
        text = .decoded(name)
    }

    /// The name as a String.
    var string: String {
        switch text {
        case .plain(let bytes): String(decoding: bytes, as: UTF8.self)
        case .decoded(let name): name
        }
    }

    /// The name's UTF-8, for the length of `body`.
    func withUTF8<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        switch text {
        case .plain(let bytes): return body(bytes)
        case .decoded(var name): return name.withUTF8(body)
        }
    }

    /// Whether the name is `bytes`.
    func equals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        withUTF8 { mine in
            mine.count == bytes.count
                && (mine.isEmpty || memcmp(mine.baseAddress!, bytes.baseAddress!, mine.count) == 0)
        }
    }

    /// Whether this name sorts before `other`, byte by byte (the canonical member order).
    func precedes(_ other: MemberName) -> Bool {
        withUTF8 { mine in
            other.withUTF8 { theirs in
                let common = min(mine.count, theirs.count)
                let order = common == 0 ? 0 : memcmp(mine.baseAddress!, theirs.baseAddress!, common)
                return order < 0 || (order == 0 && mine.count < theirs.count)
            }
        }
    }

    static func ~= (literal: StaticString, name: MemberName) -> Bool {
        name.equals(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
