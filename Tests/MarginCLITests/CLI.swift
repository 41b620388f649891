import Foundation
import Testing

/// The result of one run of a binary.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the real `margin` binary against a temporary profile.
struct CLI {
    let home: String

    init() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("margin-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    /// The folder with the built binaries: `MARGIN_BIN`, else beside the test bundle.
    static var binDirectory: URL {
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

    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var seedPath: String { repoRoot.appendingPathComponent("seeds/000_cac94a10d226ae88.txt").path }

    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> RunResult {
        try Self.run(
            Self.binDirectory.appendingPathComponent("margin"), arguments, home: home, stdin: stdin,
            environment: environment)
    }

    /// Runs a command that must succeed, returning its standard output.
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(
            result.status == 0, "margin \(arguments.joined(separator: " ")) failed: \(result.stderr)",
            sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command that must fail with one line on standard error, returning that line.
    func fails(_ arguments: [String], stdin: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        let result = try run(arguments, stdin: stdin)
        #expect(
            result.status != 0, "margin \(arguments.joined(separator: " ")) should fail", sourceLocation: sourceLocation
        )
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "one line on stderr, got: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stderr
    }

    static func run(
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
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus, stdout: String(decoding: stdoutData.wait(), as: UTF8.self),
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
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Parses a command's JSON output.
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8))
}
