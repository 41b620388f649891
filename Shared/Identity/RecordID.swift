import Foundation

/// Makes record ids: derived for articles, random and time-ordered for notes and bookmarks.
public enum RecordID {
    /// The id of the article at `url`, or of text with no url: `a-` + SHA-256 hex.
    ///
    /// Two machines importing the same article offline derive the same id.
    public static func article(url: String?, text: String) -> String {
        if let url, let canonical = canonicalURL(url) {
            return "a-" + SHA256.hex("url:" + canonical)
        }
        return "a-" + SHA256.hex("text:" + normalizedText(text))
    }

    /// The id of an article known to an import only by its source key (a book's title and
    /// author): the same on every machine that imports it.
    public static func article(sourceKey: String) -> String {
        "a-" + SHA256.hex("source:" + sourceKey)
    }

    /// Whether `id` holds only what an id may: letters, digits and '-' (ids end up in URLs, file
    /// names and SQL). Its length is bounded by `RecordLimits.maxIDBytes`.
    public static func hasIDBytesOnly(_ id: String) -> Bool {
        ByteSet.idBytes.containsEveryByte(of: id)
    }

    /// Whether `id`, read from a file, may be a record's id as it stands: 1 to
    /// `RecordLimits.default.maxIDBytes` bytes, and only what an id may hold.
    public static func isValid(_ id: some StringProtocol) -> Bool {
        !id.isEmpty && id.utf8.count <= RecordLimits.default.maxIDBytes && hasIDBytesOnly(String(id))
    }

    /// The id of a note or bookmark imported from elsewhere, derived from its source, location and
    /// quote, so that importing the same export twice, or on two machines, makes one record.
    public static func imported(_ kind: RecordKind, sourceKey: String, location: String, quote: String) -> String {
        let prefix = kind == .bookmark ? "b-" : "n-"
        return prefix + SHA256.hex("import:" + sourceKey + "\u{1F}" + location + "\u{1F}" + quote).prefix(40)
    }

    /// A new UUIDv7 (48 bits of Unix milliseconds, then random bits), lowercase.
    ///
    /// Ids made in the same millisecond keep increasing (RFC 9562 §6.2, method 2: the previous
    /// id's random part plus a random step), so that notes created in one batch sort, and are
    /// indexed, in the order they were made; with random bits alone, a 100k-note import landed at
    /// random places in every index on the id, and each later write touched pages all over the file.
    public static func uuidv7(millis: Int64 = HybridLogicalClock.wallNow()) -> String {
        uuidv7(millis: millis, sequence: .shared)
    }

    /// A new UUIDv7 that continues `sequence` (tests keep theirs apart from other ids made at once).
    static func uuidv7(millis: Int64, sequence: UUIDv7Sequence) -> String {
        var generator = SystemRandomNumberGenerator()
        let (high, low) = sequence.next(millis: millis, using: &generator)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> Int64(40 - 8 * index)) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: high >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: high)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: low >> 56)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> UInt64(8 * (15 - index))) }
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            Hex.append(byte, to: &text)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The url in the form two machines agree on, or nil when it is not an http(s) url.
    ///
    /// Lowercases scheme and host, drops the fragment, default ports, tracking parameters and a
    /// trailing slash.
    public static func canonicalURL(_ raw: String) -> String? {
        guard var components = URLComponents(string: raw.trimmingCharacters(in: .whitespacesAndNewlines)),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        components.scheme = scheme
        components.host = host.lowercased()
        components.fragment = nil
        if (scheme == "http" && components.port == 80) || (scheme == "https" && components.port == 443) {
            components.port = nil
        }
        let tracking: Set<String> = ["fbclid", "gclid", "mc_cid", "mc_eid", "ref", "smid"]
        let kept = (components.queryItems ?? []).filter { item in
            !item.name.lowercased().hasPrefix("utm_") && !tracking.contains(item.name.lowercased())
        }
        components.queryItems = kept.isEmpty ? nil : kept
        if components.path.count > 1 && components.path.hasSuffix("/") { components.path.removeLast() }
        if components.path.isEmpty { components.path = "/" }
        return components.string
    }

    /// Text in the form two machines agree on: NFC, whitespace runs folded to one space, trimmed.
    public static func normalizedText(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
    }
}

/// The random part of the last UUIDv7 made in this process, to keep ids made within one
/// millisecond increasing.
final class UUIDv7Sequence {
    static let shared = UUIDv7Sequence()
    private let lock = NSLock()
    private var millis: Int64 = .min
    /// 12 bits (`rand_a`) and 62 bits (`rand_b`).
    private var high: UInt16 = 0
    private var low: UInt64 = 0

    /// The random part for an id made at `millis`: fresh in a new millisecond, else the last one
    /// plus a random step of up to 2^32 (fresh again in the unlikely case that it overflows).
    func next(millis: Int64, using generator: inout SystemRandomNumberGenerator) -> (UInt16, UInt64) {
        let fresh = (
            UInt16.random(in: 0...0x0FFF, using: &generator), UInt64.random(in: 0...(1 << 62 - 1), using: &generator)
        )
        let step = UInt64.random(in: 1...(1 << 32), using: &generator)
        lock.lock()
        defer { lock.unlock() }
        if millis == self.millis {
            low += step
            if low >= 1 << 62 {
                low -= 1 << 62
                high += 1
            }
            if high <= 0x0FFF { return (high, low) }
        }
        self.millis = millis
        (high, low) = fresh
        return fresh
    }
}

extension UUIDv7Sequence: @unchecked Sendable {}  // every access holds `lock`
