/// Why the local store refused an operation: what failed and on which record.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable {
        /// No record has that id or prefix.
        case notFound
        /// A prefix matches more than one record.
        case ambiguous
        /// The input is not acceptable (empty body, quote not in the article, bad value).
        case invalidInput
        /// The store was written by a newer Margin.
        case newerSchema
        /// Another process holds the store's write lock.
        case locked
        /// The file is not a Margin store, or is damaged.
        case corrupt
        /// The store could not be opened or written for another reason.
        case io
    }

    /// The kind of failure.
    public let code: Code
    /// A one-line human explanation.
    public let message: String

    /// A failure with a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
