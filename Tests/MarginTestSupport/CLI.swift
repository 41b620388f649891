import Foundation

/// The result of one run of a binary.
public struct RunResult: Sendable {
    /// The exit status (128 + the signal's number for a process a signal ended, as shells
    /// report it) or HTTP status.
    public let status: Int32
    /// What it printed on standard output.
    public let stdout: String
    /// What it printed on standard error.
    public let stderr: String
}

/// Runs the real `margin` binary against a temporary profile.
public struct CLI: Sendable {
    /// The profile folder.
    public let home: String

    /// A CLI on a new temporary profile.
    public init() throws {
        home = Scratch.folder("cli")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    /// The folder with the built binaries: `MARGIN_BIN`, else beside the test bundle.
    public static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["MARGIN_BIN"] { return URL(fileURLWithPath: dir) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("margin").path) { return url }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug")
    }

    /// The repository's root folder.
    public static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The seed document's path.
    public static var seedPath: String { repoRoot.appendingPathComponent("seeds/000_cac94a10d226ae88.txt").path }

    /// Runs `margin` with this profile.
    @discardableResult
    public func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> RunResult
    {
        try Self.run(
            Self.binDirectory.appendingPathComponent("margin"), arguments, home: home, stdin: stdin,
            environment: environment)
    }

    /// Runs a command that must succeed, returning its standard output.
    @discardableResult
    public func must(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let result = try run(arguments, environment: environment)
        guard result.status == 0 else {
            throw HarnessError("margin \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs any executable and collects its output.
    public static func run(
        _ executable: URL, _ arguments: [String], home: String?, stdin: Data?, environment: [String: String]
    ) throws -> RunResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        if let home { env["MARGIN_HOME"] = home }
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Drain both pipes while the process runs, so a large output cannot block it.
        let stdoutData = Drain(out.fileHandleForReading)
        let stderrData = Drain(err.fileHandleForReading)
        // No command of the suite takes minutes: one that does is stuck, and fails its test.
        guard process.waitForExit(within: 300) else {
            throw HarnessError(
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) ran for 300 s: killed")
        }
        let status = process.terminationStatus + (process.terminationReason == .uncaughtSignal ? 128 : 0)
        return RunResult(
            status: status, stdout: String(decoding: stdoutData.wait(), as: UTF8.self),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self))
    }
}

/// Reads a pipe to its end on a background thread.
final class Drain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            // Closed here: the handle is not closed when released (measured: two descriptors
            // left open per command, some 1,200 over a full run of the suite).
            try? handle.close()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Parses a command's JSON output.
public func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}
