/// How concurrent writes to one field combine.
public enum FieldPolicy: String, Sendable {
    /// Multi-value register: concurrent writes of different values are kept as siblings (a conflict).
    case multiValue = "mv"
    /// Concurrent writes resolve at once to the greatest stamp.
    case lastWriterWins = "lww"
    /// The greatest of the concurrent values wins.
    case maximum = "max"
    /// The smallest of the concurrent values wins.
    case minimum = "min"
}
