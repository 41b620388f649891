/// Why a document could not be imported.
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid UTF-8.
    case notUTF8
    /// The bytes look like a binary file, not text.
    case notText
    /// Nothing readable was left after removing page furniture.
    case noReadableText
    /// The document is bigger than the importer reads (`limit` bytes).
    case tooLarge(limit: Int)
    /// The page nests elements deeper than the importer reads (`limit` levels).
    case tooDeep(limit: Int)
    /// The bytes cannot be read in the page's encoding: why.
    case badEncoding(String)

    /// A short human-readable form.
    public var description: String {
        switch self {
        case .notUTF8: "the file is not valid UTF-8 text"
        case .notText: "the file is binary, not text or HTML"
        case .noReadableText: "the document has no readable text"
        case .tooLarge(let limit): "the document is larger than \(limit / (1024 * 1024)) MiB"
        case .tooDeep(let limit): "the page nests elements more than \(limit) deep"
        case .badEncoding(let why): why
        }
    }
}
