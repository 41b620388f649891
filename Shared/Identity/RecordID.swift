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

    /// A new UUIDv7 (48 bits of Unix milliseconds, then random bits), lowercase.
    public static func uuidv7(millis: Int64 = HybridLogicalClock.wallNow()) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> Int64(40 - 8 * index)) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let hex = bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return parts.joined(separator: "-")
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
