/// A set of byte values: which characters an id may hold.
struct ByteSet: Sendable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    init(_ ranges: ClosedRange<UInt8>...) {
        for range in ranges {
            for byte in range {
                if byte < 64 {
                    low |= 1 << byte
                } else if byte < 128 {
                    high |= 1 << (byte - 64)
                }
            }
        }
    }

    /// Letters, digits and '-': what record ids may hold.
    static let idBytes = ByteSet(0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D...0x2D)
    /// Letters, digits, '-' and '_': what replica ids may hold.
    static let replicaBytes = ByteSet(0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D...0x2D, 0x5F...0x5F)

    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low & (1 << byte) != 0 : byte < 128 && high & (1 << (byte - 64)) != 0
    }

    /// Whether every byte of `text`'s UTF-8 is in the set.
    func containsEveryByte(of text: String) -> Bool {
        // Over the contiguous bytes when the string has them: a generic walk of `utf8` was 3% of
        // decoding a record.
        text.utf8.withContiguousStorageIfAvailable { containsEveryByte(of: $0) } ?? text.utf8.allSatisfy(contains)
    }

    /// Whether every byte of `bytes` is in the set.
    func containsEveryByte(of bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy(contains)
    }
}
