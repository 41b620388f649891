import Foundation

/// Folders for a test process's files, all under one root that is deleted when the process exits.
public enum Scratch {
    /// This process's root folder.
    public static let root: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("margin-tests-\(getpid())").path
        try? FileManager.default.removeItem(atPath: path)  // a pid reused after a killed run
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // MARGIN_KEEP_SCRATCH keeps them, to read a failed run's server logs.
        if ProcessInfo.processInfo.environment["MARGIN_KEEP_SCRATCH"] == nil {
            atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        }
        return path
    }()

    /// A new, empty folder named after `name`.
    public static func folder(_ name: String) -> String {
        let path = root + "/\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
