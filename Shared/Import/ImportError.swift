/// Why a document could not be imported.
public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not valid UTF-8.
    case notUTF8
    /// The bytes look like a binary file, not text.
    case notText
    /// Nothing readable was left after removing page furniture.
    case noReadableText

    /// A short human-readable form.
    public var description: String {
        switch self {
        case .notUTF8: "the file is not valid UTF-8 text"
        case .notText: "the file is binary, not text or HTML"
        case .noReadableText: "the document has no readable text"
        }
    }
}
