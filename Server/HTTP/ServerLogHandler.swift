import Logging

/// Writes what `StreamLogHandler` writes to standard error, formatting metadata only for a message
/// that is logged.
///
/// `StreamLogHandler` formats all of its metadata again each time one key is set, and Hummingbird
/// sets a request id on every request: that formatting was ~7% of the server's CPU time for a
/// trivial request, at a log level that prints nothing.
struct ServerLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = logLevel
        stream.metadata = metadata
        stream.log(event: event)
    }
}
